"""Record ids sort in the order the records were made: lists rely on it."""

from __future__ import annotations

import re

from toolkits_core._store.ids import new_id


def test_ids_made_one_after_another_rise_even_within_a_millisecond():
    made = [new_id("ini") for _ in range(5000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_an_id_is_a_prefix_and_26_base32_characters():
    assert re.fullmatch(r"par_[0-9a-hjkmnp-tv-z]{26}", new_id("par"))
