"""The toolkits' aggregate questions (plugin API 1.1), answered by hand-written SQL.

The product answers ``has_evidence`` and the other counts with one query each, found
through ``ix_evidence_tally`` (toolkits_core/_services/views.py, ``DatabaseTally``);
without the same, the anchor would read an initiative's whole lists where the product
counts, and its progress would measure more work than the product's, not less. These are
the product's statements, written out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bench.anchor_store import Session, in_list
from toolkits_core import Consent, ParticipantRole
from toolkits_core._views import ActivityQuery, EvidenceQuery


@dataclass(frozen=True, slots=True)
class SqlTally:
    db: Session
    sqlite: bool
    org: str
    initiative: str
    cycle: int
    stages: tuple[str, ...]

    def _owned(self, table: str) -> str:
        # As the product: on SQLite, said so that the planner walks the tally index.
        if self.sqlite:
            return f"coalesce({table}.organisation_id, '') = :org"
        return f"{table}.organisation_id = :org"

    def _stage_and_cycle(
        self, table: str, stage: str | None, cycle: int | None, params: dict[str, Any]
    ) -> list[str]:
        found = []
        if stage is not None:
            found.append(f"{table}.stage = :stage")
            params["stage"] = stage
        elif self.stages:
            listed, values = in_list("stages", list(self.stages))
            found.append(f"{table}.stage IN {listed}")
            params.update(values)
        if cycle is not None:
            found.append(f"{table}.cycle = :cycle")
            params["cycle"] = cycle
        else:
            listed, values = in_list("cycles", list(range(1, self.cycle + 1)))
            found.append(f"{table}.cycle IN {listed}")
            params.update(values)
        return found

    def _tagged(self, column: str, key: str, params: dict[str, Any]) -> str:
        if self.sqlite:
            params["tag"] = key
            return f"EXISTS (SELECT 1 FROM json_each({column}) AS tags WHERE tags.value = :tag)"
        params["tag"] = json.dumps([key])
        return f"CAST({column} AS JSONB) @> CAST(:tag AS JSONB)"

    def _count(self, sql: str, params: dict[str, Any], at_most: int | None) -> int:
        if at_most is not None:
            sql += " LIMIT :at_most"
            params["at_most"] = at_most
        return int(self.db.scalar(f"SELECT count(*) AS n FROM ({sql}) AS counted", params))

    def evidence(self, query: EvidenceQuery, at_most: int | None) -> int:
        params: dict[str, Any] = {"org": self.org, "initiative": self.initiative}
        joins = ""
        where = [
            self._owned("evidence"),
            "evidence.initiative_id = :initiative",
            "evidence.consent != 'withdrawn'",
            *self._stage_and_cycle("evidence", query.stage, query.cycle, params),
        ]
        if query.evidence_type is not None:
            where.append("evidence.evidence_type = :evidence_type")
            params["evidence_type"] = query.evidence_type
        if query.dimension is not None:
            where.append(self._tagged("evidence.dimensions", query.dimension, params))
        if query.activity_type is not None:
            joins += " JOIN activities ON activities.id = evidence.activity_id"
            where.append("activities.activity_type = :activity_type")
            params["activity_type"] = query.activity_type
        if query.role is not None:  # evidence from several people counts for each role
            people = (
                "EXISTS (SELECT evidence_participants.evidence_id FROM evidence_participants "
                "JOIN participants ON participants.id = evidence_participants.participant_id "
                "WHERE evidence_participants.evidence_id = evidence.id "
                "AND participants.role = :role"
            )
            params["role"] = query.role.value
            if query.consenting_only:
                people += " AND participants.consent = :given"
                params["given"] = Consent.GIVEN.value
            where.append(people + ")")
        sql = f"SELECT evidence.id FROM evidence{joins} WHERE {' AND '.join(where)}"
        return self._count(sql, params, at_most)

    def activities(self, query: ActivityQuery, at_most: int | None) -> int:
        params: dict[str, Any] = {"org": self.org, "initiative": self.initiative}
        where = [
            self._owned("activities"),
            "activities.initiative_id = :initiative",
            *self._stage_and_cycle("activities", query.stage, query.cycle, params),
        ]
        if query.activity_type is not None:
            where.append("activities.activity_type = :activity_type")
            params["activity_type"] = query.activity_type
        if query.dimension is not None:
            where.append(self._tagged("activities.dimensions", query.dimension, params))
        if query.role is not None:
            people = (
                "EXISTS (SELECT activity_participants.activity_id FROM activity_participants "
                "JOIN participants ON participants.id = activity_participants.participant_id "
                "WHERE activity_participants.activity_id = activities.id "
                "AND participants.role = :role"
            )
            params["role"] = query.role.value
            if query.consenting_only:
                people += " AND participants.consent = :given"
                params["given"] = Consent.GIVEN.value
            where.append(people + ")")
        sql = f"SELECT activities.id FROM activities WHERE {' AND '.join(where)}"
        return self._count(sql, params, at_most)

    def participants(self, role: ParticipantRole | None, consent: Consent | None) -> int:
        params: dict[str, Any] = {"org": self.org, "initiative": self.initiative}
        sql = (
            f"SELECT count(*) AS n FROM participants WHERE {self._owned('participants')} "
            "AND participants.initiative_id = :initiative"
        )
        if role is not None:
            sql += " AND participants.role = :role"
            params["role"] = role.value
        if consent is not None:
            sql += " AND participants.consent = :consent"
            params["consent"] = consent.value
        return int(self.db.scalar(sql, params))
