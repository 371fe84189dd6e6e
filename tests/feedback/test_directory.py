"""Whom a survivor is offered first: the offices nearest her, never another district's."""

from __future__ import annotations

from feedback import directory
from models import StakeholderType
from tests.factories import StakeholderFactory, SurvivorFactory, district


def _cwc(session):
    return session.query(StakeholderType).filter_by(code="cwc").one()


def test_without_a_block_her_own_districts_offices_come_before_any_other(session):
    """Before, `block_id == NULL` became `IS NULL`: every district-level office of every
    district counted as "her block", and North 24 Parganas' committee came first for a South
    24 Parganas survivor — her rating went to the wrong office."""
    south, north = district("South 24 Parganas"), district("North 24 Parganas")
    theirs = StakeholderFactory(
        type_code="cwc", name="A North committee", block=None, district=north
    )
    ours = StakeholderFactory(type_code="cwc", name="Z South committee", block=None, district=south)
    survivor = SurvivorFactory(block=None, district=south)
    found = directory.nearest_stakeholders(session, _cwc(session), survivor)
    assert found.index(ours) < found.index(theirs)
    assert all(s.district_id == south.id for s in found[: found.index(ours) + 1])


def test_her_block_then_her_district_then_the_rest(session):
    in_block = StakeholderFactory(type_code="cwc", name="C block", block_name="Basanti")
    in_district = StakeholderFactory(type_code="cwc", name="B district", block_name="Canning I")
    elsewhere = StakeholderFactory(type_code="cwc", name="A elsewhere", block_name="Barasat I")
    survivor = SurvivorFactory()  # Basanti, South 24 Parganas
    found = directory.nearest_stakeholders(session, _cwc(session), survivor)
    assert found.index(in_block) < found.index(in_district) < found.index(elsewhere)


def test_names_are_in_the_order_she_reads_them(session):
    first = StakeholderFactory(type_code="cwc", name="Zeta", name_bn="অমুক", block_name="Basanti")
    second = StakeholderFactory(type_code="cwc", name="Alpha", name_bn="তমুক", block_name="Basanti")
    survivor = SurvivorFactory()
    in_bengali = directory.nearest_stakeholders(session, _cwc(session), survivor, lang="bn")
    assert in_bengali.index(first) < in_bengali.index(second)
    in_english = directory.nearest_stakeholders(session, _cwc(session), survivor, lang="en")
    assert in_english.index(second) < in_english.index(first)
