"""Normalisation of every item kind (SPEC §4) and the scores a rating derives at write time."""

import pytest

from models import Dimension, Indicator, Item, ItemKind, ItemOption
from models.questionnaires import InvalidAnswer, derive_scores, normalise

SCALE = Item(code="respect", kind=ItemKind.SCALE5, text="", dimension=Dimension.RESPECT)
GOOD_YES = Item(
    code="private", kind=ItemKind.YESNO, text="", polarity=1, dimension=Dimension.CONFIDENTIALITY
)
BAD_YES = Item(
    code="money",
    kind=ItemKind.YESNO,
    text="",
    polarity=-1,
    dimension=Dimension.INTEGRITY,
    indicator=Indicator.MONEY,
)
CHOICE = Item(
    code="helped",
    kind=ItemKind.CHOICE,
    text="",
    dimension=Dimension.RESPONSIVENESS,
    indicator=Indicator.HELPED,
    options=[
        ItemOption(code="yes", label="", value=100.0),
        ItemOption(code="partly", label="", value=50.0),
        ItemOption(code="no", label="", value=0.0),
        ItemOption(code="dk", label="", value=None),
    ],
)
DAYS = Item(code="days", kind=ItemKind.DAYS, text="", indicator=Indicator.DAYS)
TEXT = Item(code="note", kind=ItemKind.TEXT, text="")
OVERALL = Item(code="overall", kind=ItemKind.SCALE5, text="")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("1", 0.0), ("2", 25.0), ("3", 50.0), ("4", 75.0), ("5", 100.0), ("dk", None)],
)
def test_scale5_maps_faces_to_quarters(answer, expected):
    assert normalise(SCALE, answer) == expected


@pytest.mark.parametrize(
    ("item", "answer", "expected"),
    [
        (GOOD_YES, "yes", 100.0),
        (GOOD_YES, "no", 0.0),
        (BAD_YES, "yes", 0.0),
        (BAD_YES, "no", 100.0),
        (GOOD_YES, "dk", None),
        (BAD_YES, "dk", None),
    ],
)
def test_yesno_follows_polarity(item, answer, expected):
    assert normalise(item, answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"), [("yes", 100.0), ("partly", 50.0), ("no", 0.0), ("dk", None)]
)
def test_choice_takes_its_option_value(answer, expected):
    assert normalise(CHOICE, answer) == expected


def test_days_and_text_are_not_scored():
    assert normalise(DAYS, "14") is None
    assert normalise(DAYS, "১৪") is None  # Bengali digits are a valid count
    assert normalise(TEXT, "anything") is None


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        (SCALE, "0"),
        (SCALE, "6"),
        (SCALE, "4.5"),
        (SCALE, "yes"),
        (GOOD_YES, "maybe"),
        (CHOICE, "always"),
        (DAYS, "-3"),
        (DAYS, "many"),
        (DAYS, "99999"),
    ],
)
def test_answers_outside_an_item_are_refused(item, answer):
    with pytest.raises(InvalidAnswer):
        normalise(item, answer)


def triples(pairs):
    return [(item, raw, normalise(item, raw)) for item, raw in pairs]


def test_rating_and_dimension_scores_for_a_hand_computed_example():
    # respect 4 → 75 (respect); private yes → 100 (confidentiality); money yes → 0 (integrity);
    # helped partly → 50 (responsiveness); days 12 → unscored; overall 3 → 50 (no dimension).
    # Rating score = (75 + 100 + 0 + 50 + 50) / 5 = 55.
    derived = derive_scores(
        triples(
            [
                (SCALE, "4"),
                (GOOD_YES, "yes"),
                (BAD_YES, "yes"),
                (CHOICE, "partly"),
                (DAYS, "12"),
                (OVERALL, "3"),
            ]
        )
    )
    assert derived.score == pytest.approx(55.0)
    assert derived.dimensions == {
        Dimension.RESPECT: 75.0,
        Dimension.CONFIDENTIALITY: 100.0,
        Dimension.INTEGRITY: 0.0,
        Dimension.RESPONSIVENESS: 50.0,
    }
    assert derived.fully_helped is False
    assert derived.asked_money is True
    assert derived.days_taken == 12


def test_dont_know_is_left_out_of_every_mean():
    # respect dk and overall 5 → score = 100; respect's dimension has nothing left → None.
    derived = derive_scores(
        triples([(SCALE, "dk"), (OVERALL, "5"), (CHOICE, "dk"), (BAD_YES, "dk")])
    )
    assert derived.score == 100.0
    assert derived.dimensions[Dimension.RESPECT] is None
    assert derived.fully_helped is None and derived.asked_money is None


def test_a_rating_of_only_dont_know_has_no_score():
    assert derive_scores(triples([(SCALE, "dk"), (OVERALL, "dk")])).score is None
