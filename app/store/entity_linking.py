"""Linking an article's entities to the corpus-wide entity table.

"Haftar" in one article and "Khalifa Haftar" in another are one entity when the
store holds exactly one candidate; with two people of that surname, the short
form stays apart rather than being merged blindly.

An article's entities are linked one after the other, each seeing what the ones before it
linked, created and renamed. The stored entities any of its names could reach are read in
two statements when the first is linked and kept current in memory as the others link; the
new entities, names and aliases are written when all are linked (`ArticleLinking.write`).
Each rule below reads that copy exactly as it would read the table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlmodel import Session

from app.annotate import types as ann
from app.store.keys import name_key as key_of
from app.store.tables import Entity, EntityAlias, utcnow


def entity_id_for(entity_type: str, name: str) -> str:
    """A readable, stable id for an entity first seen as `name`."""
    digest = hashlib.sha1(f"{entity_type}:{key_of(name)}".encode()).hexdigest()[:12]
    return f"{entity_type.lower()}-{digest}"


@dataclass(eq=False)
class Known:
    """A stored entity as linking sees it: its row as changed so far by this article."""

    id: str
    name: str
    name_key: str
    last_key: str
    type: str
    country_code: str | None
    # Entities no stored article mentions any more keep their ids (a name coming back gets
    # its old id) but are no evidence that a short name is ambiguous. Counts change only
    # when the article is written, so this holds while it links.
    live: bool
    # The place in the table's (article_count desc, id) order, as the database sorts ids.
    rank: int
    alias_keys: set[str] = field(default_factory=set)


# Every stored entity a rule of `_find` could return or count for one of the names: of
# their types by name key (exact matches, a surname stored alone), people by last word,
# entities by alias, and those holding an id a new entity would take.
_CANDIDATES = (
    select(
        Entity.id,
        Entity.name,
        Entity.name_key,
        Entity.last_key,
        Entity.type,
        Entity.country_code,
        Entity.article_count,
    )
    .where(
        or_(
            and_(
                Entity.type.in_(bindparam("types", expanding=True)),
                Entity.name_key.in_(bindparam("name_keys", expanding=True)),
            ),
            and_(
                Entity.type == "PERSON",
                Entity.last_key.in_(bindparam("last_keys", expanding=True)),
            ),
            Entity.id.in_(
                select(EntityAlias.entity_id).where(
                    EntityAlias.alias_key.in_(bindparam("alias_keys", expanding=True))
                )
            ),
            Entity.id.in_(bindparam("ids", expanding=True)),
        )
    )
    .order_by(Entity.article_count.desc(), Entity.id)
)
_ALIAS_KEYS = select(EntityAlias.entity_id, EntityAlias.alias_key).where(
    EntityAlias.entity_id.in_(bindparam("ids", expanding=True))
)
_EXISTS = select(Entity.id).where(Entity.id == bindparam("id"))


class ArticleLinking:
    """One article's linking: the stored entities it can reach, and what it will write."""

    def __init__(self, session: Session, entities: list[ann.Entity]) -> None:
        self.session = session
        self._entities = entities
        self._known: dict[str, Known] | None = None
        # Ids read with the candidates: one not among them is in no stored entity.
        self._read_ids: set[str] = set()
        self._new: list[dict[str, Any]] = []
        self._changes: dict[str, dict[str, Any]] = {}
        self._aliases: list[dict[str, Any]] = []

    def known(self) -> dict[str, Known]:
        """The stored entities by id, read when first needed."""
        if self._known is None:
            self._known = self._read()
        return self._known

    def _read(self) -> dict[str, Known]:
        types, name_keys, last_keys, ids = set(), set(), set(), set()
        for local in self._entities:
            key = key_of(local.name)
            types.add(local.type)
            name_keys.add(key)
            ids.add(entity_id_for(local.type, local.name))
            tokens = key.split()
            if local.type == "PERSON" and tokens:
                name_keys.add(tokens[-1])
                last_keys.add(tokens[-1])
        self._read_ids = ids
        self.session.flush()
        connection = self.session.connection()
        rows = connection.execute(
            _CANDIDATES,
            {
                "types": sorted(types),
                "name_keys": sorted(name_keys),
                "last_keys": sorted(last_keys),
                "alias_keys": sorted(name_keys),
                "ids": sorted(ids),
            },
        )
        known = {
            row.id: Known(
                id=row.id,
                name=row.name,
                name_key=row.name_key,
                last_key=row.last_key,
                type=row.type,
                country_code=row.country_code,
                live=row.article_count > 0,
                rank=rank,
            )
            for rank, row in enumerate(rows)
        }
        if known:
            for entity_id, alias_key in connection.execute(_ALIAS_KEYS, {"ids": list(known)}):
                known[entity_id].alias_keys.add(alias_key)
        return known

    def exists(self, entity_id: str) -> bool:
        """Whether an entity, stored or new in this article, has the id."""
        if entity_id in self.known():
            return True
        if entity_id in self._read_ids:
            return False
        connection = self.session.connection()
        return connection.execute(_EXISTS, {"id": entity_id}).first() is not None

    def create(self, local: ann.Entity, key: str, entity_id: str) -> Known:
        """A new entity for `local`, written by `write`."""
        row = _defaults()
        row.update(
            id=entity_id,
            name=local.name,
            name_key=key,
            last_key=last_word(key),
            type=local.type,
            country_code=local.country_code,
            lat=local.lat,
            lon=local.lon,
        )
        self._new.append(row)
        entity = Known(
            id=entity_id,
            name=local.name,
            name_key=key,
            last_key=row["last_key"],
            type=local.type,
            country_code=local.country_code,
            live=False,
            rank=len(self.known()),
        )
        self.known()[entity_id] = entity
        return entity

    def change(self, entity: Known, **values: Any) -> None:
        """New values for columns of `entity`, written by `write`."""
        self._changes.setdefault(entity.id, {}).update(values)

    def add_alias(self, entity: Known, alias: str, alias_key: str) -> None:
        """A new alias of `entity`, written by `write`."""
        entity.alias_keys.add(alias_key)
        self._aliases.append({"entity_id": entity.id, "alias": alias, "alias_key": alias_key})

    def write(self) -> None:
        """Write the new entities, then the changed ones, then the new aliases, in order."""
        connection = self.session.connection()
        if self._new:
            connection.execute(insert(Entity), self._new)
        for entity_id, values in self._changes.items():
            connection.execute(update(Entity).where(Entity.id == entity_id).values(values))
        if self._aliases:
            connection.execute(insert(EntityAlias), self._aliases)
        self._new, self._changes, self._aliases = [], {}, []


def link_entity(
    linking: ArticleLinking, local: ann.Entity, *, taken: set[str], changed: set[str]
) -> str:
    """The id of the stored entity `local` refers to, created or enriched as needed.

    `taken` holds the ids the article's other entities already link to: the article's
    own analysis said those are different things, so they are never candidates.
    The id of an entity whose name, aliases or geocode this changed is added to `changed`:
    other articles show those.
    """
    key = key_of(local.name)
    entity = _find(linking.known(), entity_type=local.type, name_key=key, taken=taken)
    names = [local.name, *local.aliases]
    # A new entity is in no other article yet: nothing else shows it.
    created = entity is None
    if entity is None:
        entity = _create(linking, local, key)
    elif len(local.name.split()) > len(entity.name.split()) and local.type == "PERSON":
        # A fuller name than the one stored so far becomes canonical; the id stays.
        names.append(entity.name)
        entity.name, entity.name_key, entity.last_key = local.name, key, last_word(key)
        linking.change(
            entity,
            name=entity.name,
            name_key=entity.name_key,
            last_key=entity.last_key,
            updated_at=utcnow(),
        )
        changed.add(entity.id)
    if entity.country_code is None and local.country_code is not None:
        entity.country_code = local.country_code
        linking.change(entity, country_code=local.country_code, lat=local.lat, lon=local.lon)
        changed.add(entity.id)
    if _add_aliases(linking, entity, names) and not created:
        changed.add(entity.id)
    return entity.id


def _find(
    known: dict[str, Known], *, entity_type: str, name_key: str, taken: set[str]
) -> Known | None:
    of_type = [e for e in known.values() if e.type == entity_type]
    free = [e for e in of_type if e.id not in taken]
    exact = [e for e in free if e.name_key == name_key]
    if exact:
        return min(exact, key=lambda e: e.rank)
    live = [e for e in free if e.live]
    known_as = _unique([e for e in live if name_key in e.alias_keys])
    if known_as is not None or entity_type != "PERSON":
        return known_as
    tokens = name_key.split()
    if len(tokens) == 1:
        # "Haftar": one stored person whose name ends with it.
        return _unique([e for e in live if _ends_with_word(e, name_key)])
    # "Khalifa Haftar": a person stored so far by the surname alone, and nobody else by it.
    surname = tokens[-1]
    short = _unique([e for e in live if e.name_key == surname])
    if short is None:
        return None
    others = any(e.live and _ends_with_word(e, surname) for e in of_type)
    return short if not others else None


def last_word(name_key: str) -> str:
    words = name_key.split()
    return words[-1] if words else ""


def _ends_with_word(entity: Known, word: str) -> bool:
    """A name of several words whose last word is `word`."""
    return entity.last_key == word and entity.name_key != word


def _unique(candidates: list[Known]) -> Known | None:
    return candidates[0] if len(candidates) == 1 else None


# The model's defaults (counts, timestamps, rev), as it fills them for a new entity.
_DEFAULTS = [
    (name, info.default_factory, info.default)
    for name, info in Entity.model_fields.items()
    if not info.is_required()
]


def _defaults() -> dict[str, Any]:
    """A new entity's columns as the model fills them when not given."""
    return {
        name: factory() if factory is not None else default  # type: ignore[call-arg]
        for name, factory, default in _DEFAULTS
    }


def _create(linking: ArticleLinking, local: ann.Entity, key: str) -> Known:
    base = entity_id_for(local.type, local.name)
    entity_id, n = base, 1
    while linking.exists(entity_id):
        n += 1
        entity_id = f"{base}-{n}"
    return linking.create(local, key, entity_id)


def _add_aliases(linking: ArticleLinking, entity: Known, names: list[str]) -> bool:
    """Record each of `names` as a name of `entity`, once; whether any was new."""
    added = False
    for name in names:
        key = key_of(name)
        if key and key not in entity.alias_keys:
            linking.add_alias(entity, name, key)
            added = True
    return added
