"""Fast dumps for the hot paths: marshmallow's output, without its per-field machinery.

A list page runs a schema's ``dump`` for 50 to 100 records, and marshmallow spends most
of that time finding accessors, checking for defaults and calling one method per field
per record. ``compiled(SchemaClass)`` reads the schema's dump fields once and writes one
plain Python function that builds the same dictionary: the same keys, in the same order,
with the same values. The schema stays the single description of a resource: it still
validates input, documents the API and decides what a record looks like, and a field
type this module does not know is dumped by the field itself, so a new field can never be
dropped or shaped differently. ``tests/rest/test_fast_serialisers.py`` holds the output
equal, byte for byte once encoded, to ``schema.dump`` for every listed resource.

The functions read each field as marshmallow would: through the schema's own
``get_attribute`` where it has one, else by attribute, which is what marshmallow ends up
doing for records and result rows; a mapping (the dictionaries some views build) is
handed to marshmallow whole.
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import missing

Dump = Callable[[Any], dict[str, Any]]

_compiled: dict[type[ma.Schema], Dump] = {}


def compiled(schema_class: type[ma.Schema]) -> Dump:
    """The fast dump of one record for ``schema_class`` (built once, then kept)."""
    found = _compiled.get(schema_class)
    if found is None:
        found = _compiled[schema_class] = compile_dump(schema_class())
    return found


def compile_dump(schema: ma.Schema) -> Dump:
    """A function returning what ``schema.dump(record)`` returns for one record."""
    if _has_dump_hooks(schema):
        return _marshmallow_dump(schema)
    writer = _Writer(schema)
    fast = writer.function()
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        return fast  # the schema's own accessor reads every field, as in marshmallow
    by_attribute: dict[type[Any], bool] = {}

    def dump(record: Any) -> dict[str, Any]:
        kind = type(record)
        plain = by_attribute.get(kind)
        if plain is None:
            plain = by_attribute[kind] = _read_by_attribute(kind, schema, writer.attributes)
        if plain:
            try:
                return fast(record)
            except AttributeError:
                pass  # a field it lacks: marshmallow knows what to put in its place
        return schema.dump(record)  # type: ignore[no-any-return]

    return dump


def _read_by_attribute(kind: type[Any], schema: ma.Schema, attributes: list[str]) -> bool:
    """Whether marshmallow reads this kind of record's fields with ``getattr``.

    It tries ``record[name]`` first on anything with ``__getitem__``: a mapping answers
    that, while a tuple refuses a name and is read by attribute. A named tuple standing
    for a stored record (a page read by ``read_records_only``) must have every attribute
    the schema reads: marshmallow would leave a missing one out without a word, so this
    refuses it, and the page has to be read as ORM instances.
    """
    if hasattr(kind, "__getitem__") and not issubclass(kind, tuple):
        return False
    names = getattr(kind, "_fields", None)
    if names is not None and (lacking := sorted(set(attributes) - set(names))):
        raise TypeError(
            f"{type(schema).__name__} reads {', '.join(lacking)}, which {kind.__name__} "
            "lacks: such records cannot be shown with this schema."
        )
    return True


def _is_name(attribute: str) -> bool:
    return attribute.isidentifier() and not keyword.iskeyword(attribute)


def _marshmallow_dump(schema: ma.Schema) -> Dump:
    def dump(record: Any) -> dict[str, Any]:
        return schema.dump(record)  # type: ignore[no-any-return]

    return dump


def _has_dump_hooks(schema: ma.Schema) -> bool:
    hooks = schema._hooks
    return bool(hooks.get("pre_dump") or hooks.get("post_dump"))


class _Writer:
    """Writes the source of one schema's dump function, field by field."""

    def __init__(self, schema: ma.Schema) -> None:
        self.schema = schema
        self.names: dict[str, Any] = {"MISSING": missing, "text": ma.utils.ensure_text_type}
        self.lines = ["def dump(record):", "    out = {}"]
        self.attributes: list[str] = []
        """The attributes read straight off the record."""
        self._counter = itertools.count()

    def function(self) -> Callable[[Any], dict[str, Any]]:
        for name, field in self.schema.dump_fields.items():
            self._field(name, field)
        self.lines.append("    return out")
        namespace = dict(self.names)
        exec("\n".join(self.lines), namespace)
        function: Callable[[Any], dict[str, Any]] = namespace["dump"]
        return function

    def _name(self, value: Any) -> str:
        name = f"n{next(self._counter)}"
        self.names[name] = value
        return name

    def _field(self, name: str, field: ma.fields.Field[Any]) -> None:
        key = field.data_key if field.data_key is not None else name
        held = self._name(field)
        accessor = self._name(self.schema.get_attribute)
        whole = f"{held}.serialize({name!r}, record, accessor={accessor})"
        shape = self._shape(field, "value")
        if shape is None or not field._CHECK_ATTRIBUTE:
            # The field dumps itself, exactly as marshmallow would.
            self.lines += [
                f"    value = {whole}",
                "    if value is not MISSING:",
                f"        out[{key!r}] = value",
            ]
            return
        attribute = field.attribute if field.attribute is not None else name
        if "." in attribute or type(field).get_value is not ma.fields.Field.get_value:
            read = f"{held}.get_value(record, {name!r}, accessor={accessor})"
        elif type(self.schema).get_attribute is not ma.Schema.get_attribute:
            read = f"{accessor}(record, {attribute!r}, MISSING)"
        else:
            # An attribute the record lacks raises AttributeError, and ``compile_dump``
            # hands the record to marshmallow.
            self.attributes.append(attribute)
            read = f"record.{attribute}"
            if not _is_name(attribute):
                read = f"getattr(record, {attribute!r})"
            self.lines += [f"    value = {read}", f"    out[{key!r}] = {shape}"]
            return
        self.lines += [
            f"    value = {read}",
            "    if value is MISSING:",  # its dump_default, if it has one
            f"        value = {whole}",
            "        if value is not MISSING:",
            f"            out[{key!r}] = value",
            "    else:",
            f"        out[{key!r}] = {shape}",
        ]

    def _shape(self, field: ma.fields.Field[Any], value: str) -> str | None:
        """An expression equal to ``field._serialize(<value>, ...)``, or None if unsure."""
        serialize: Any = type(field)._serialize
        if serialize is ma.fields.String._serialize:
            return (
                f"(None if {value} is None else "
                f"{value} if {value}.__class__ is str else text({value}))"
            )
        if serialize is ma.fields.Number._serialize:
            if getattr(field, "as_string", True):
                return None
            if getattr(type(field), "_format_num", None) is not ma.fields.Number._format_num:
                return None
            number = self._name(field.num_type)  # type: ignore[attr-defined]
            return f"(None if {value} is None else {number}({value}))"
        if serialize is ma.fields.DateTime._serialize:
            functions = getattr(field, "SERIALIZATION_FUNCS", {})
            form = getattr(field, "format", None) or getattr(field, "DEFAULT_FORMAT", None)
            if form not in functions:
                return None
            formatter = self._name(functions[form])
            return f"(None if {value} is None else {formatter}({value}))"
        if serialize is ma.fields.List._serialize:
            item = f"i{next(self._counter)}"
            inner = self._shape(field.inner, item)  # type: ignore[attr-defined]
            if inner is None:
                return None
            return f"(None if {value} is None else [{inner} for {item} in {value}])"
        if serialize is ma.fields.Mapping._serialize:
            return self._mapping(field, value)
        if serialize is ma.fields.Nested._serialize:
            nested = field.schema  # type: ignore[attr-defined]
            if nested.many or field.many:  # type: ignore[attr-defined]
                return None
            dump = self._name(compile_dump(nested))
            return f"(None if {value} is None else {dump}({value}))"
        return None

    def _mapping(self, field: ma.fields.Field[Any], value: str) -> str | None:
        keys = field.key_field  # type: ignore[attr-defined]
        values = field.value_field  # type: ignore[attr-defined]
        if field.mapping_type is not dict or values is not None:  # type: ignore[attr-defined]
            return None
        if keys is None:
            return f"(None if {value} is None else dict({value}))"
        key = f"k{next(self._counter)}"
        item = f"v{next(self._counter)}"
        shaped = self._shape(keys, key)
        if shaped is None:
            return None
        return (
            f"(None if {value} is None else "
            f"{{{shaped}: {item} for {key}, {item} in {value}.items()}})"
        )
