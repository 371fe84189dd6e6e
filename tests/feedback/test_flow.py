"""The survivor flow through the test client: every step, every refusal, in her language."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Answer, Rating, StakeholderSuggestion
from tests.factories import (
    POLICE_ANSWERS,
    StakeholderFactory,
    SurvivorFactory,
    UserFactory,
    district,
)
from tests.live import csrf_token as _token


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def survivor(session):
    return SurvivorFactory()


@pytest.fixture
def police(session):
    return StakeholderFactory(type_code="police", name="Basanti police station", name_bn="বাসন্তী থানা")


def sign_in(client, survivor, lang="bn"):
    return client.post(f"/{lang}/", data={"code": survivor.code.lower().replace("-", " ")})


def reach_questions(client, survivor, stakeholder, lang="bn"):
    assert sign_in(client, survivor, lang).status_code == 303
    assert (
        client.post(f"/{lang}/whom/police", data={"stakeholder": stakeholder.id}).status_code == 303
    )
    response = client.post(f"/{lang}/help", data={"service": "safety", "when": "last_month"})
    assert response.status_code == 303 and response.headers["Location"] == f"/{lang}/questions"


def answers_form(**overrides):
    form = {f"q_{code}": value for code, value in POLICE_ANSWERS.items()}
    form.update(overrides)
    return form


def test_the_start_page_offers_three_languages_in_their_own_scripts(client):
    page = client.get("/").get_data(as_text=True)
    for href, label in (("/bn/", "বাংলা"), ("/hi/", "हिंदी"), ("/en/", "English")):
        assert f'href="{href}"' in page and label in page


@pytest.mark.parametrize(
    ("lang", "welcome"), [("bn", "স্বাগত"), ("hi", "स्वागत है"), ("en", "Welcome")]
)
def test_the_code_page_speaks_her_language(client, lang, welcome):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    assert welcome in page and f'<html lang="{lang}">' in page


@pytest.mark.parametrize(
    ("entered", "status", "message"),
    [
        ("", 422, "আপনার কোডটা লিখুন"),
        ("ABCDE-FGH0K", 422, "কোডে কখনও 0, O, 1, I, L বা U থাকে না"),
        ("ABC", 422, "১০টা অক্ষর"),
    ],
)
def test_impossible_codes_get_a_kind_explanation(client, entered, status, message):
    response = client.post("/bn/", data={"code": entered})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_typo_is_caught_and_what_she_typed_is_kept(client, survivor):
    typo = survivor.code[:-1] + ("2" if survivor.code[-1] != "2" else "3")
    response = client.post("/bn/", data={"code": typo})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "ছোট ভুল" in page
    assert f'value="{typo}"' in page


def test_an_unknown_code_is_refused_kindly(client):
    from models.codes import generate_code

    response = client.post("/hi/", data={"code": generate_code()})
    assert response.status_code == 401
    assert "यह कोड नहीं मिला" in response.get_data(as_text=True)


def test_a_revoked_code_cannot_sign_in(client, survivor, session):
    import datetime as dt

    survivor.revoked_at = dt.datetime.now(dt.UTC)
    session.flush()
    assert sign_in(client, survivor).status_code == 401


def test_pages_after_the_code_need_a_signed_in_survivor(client):
    for path in ("/bn/whom", "/bn/whom/police", "/bn/help", "/bn/questions"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/bn/"


def test_stakeholders_are_listed_nearest_first_and_searchable(client, survivor, session):
    far = StakeholderFactory(
        type_code="police", name="Hingalganj police station", block_name="Hingalganj"
    )
    district = StakeholderFactory(
        type_code="police", name="Canning police station", block_name="Canning I"
    )
    near = StakeholderFactory(type_code="police", name="Basanti police station")
    sign_in(client, survivor, "en")
    page = client.get("/en/whom/police").get_data(as_text=True)
    positions = [page.index(s.name) for s in (near, district, far)]
    assert positions == sorted(positions)
    found = client.get("/en/whom/police?q=canning").get_data(as_text=True)
    assert district.name in found and near.name not in found


def test_a_full_rating_is_stored_once_with_its_score(client, survivor, police, session):
    reach_questions(client, survivor, police)
    page = client.get("/bn/questions").get_data(as_text=True)
    assert "বাসন্তী থানা সম্পর্কে" in page
    response = client.post("/bn/questions", data=answers_form(comment="ভালো ব্যবহার"))
    assert response.status_code == 303 and response.headers["Location"] == "/bn/thanks"
    rating = session.scalars(select(Rating)).one()
    assert rating.score == pytest.approx(475 / 7)
    assert rating.channel == "phone" and rating.consent_contact is False
    assert rating.comment.original == "ভালো ব্যবহার" and rating.comment.language == "bn"
    thanks = client.get("/bn/thanks")
    assert "ধন্যবাদ" in thanks.get_data(as_text=True)
    assert "cache" in thanks.headers["Clear-Site-Data"]
    # The session is gone: going back to the questions shows nothing, only the code page.
    again = client.get("/bn/questions")
    assert again.status_code == 303 and again.headers["Location"] == "/bn/"


def test_sending_the_same_page_twice_stores_one_rating(client, survivor, police, session):
    reach_questions(client, survivor, police)
    client.get("/bn/questions")
    with client.session_transaction() as saved:
        snapshot = dict(saved)
    client.post("/bn/questions", data=answers_form())
    with client.session_transaction() as restored:  # as if the first answer never arrived
        restored.update(snapshot)
    assert client.post("/bn/questions", data=answers_form()).status_code == 303
    assert count(session, Rating) == 1


def test_missing_answers_are_marked_in_her_language_and_kept(client, survivor, police, session):
    reach_questions(client, survivor, police)
    form = answers_form()
    del form["q_overall"], form["q_money"]
    response = client.post("/bn/questions", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("একটা উত্তর বেছে নিন") == 2
    assert re.search(r'name="q_respect" value="4" checked', page)
    assert count(session, Rating) == 0 and count(session, Answer) == 0


@pytest.mark.parametrize(
    "tampered", [{"q_respect": "7"}, {"q_money": "maybe"}, {"q_helped": "always"}, {"q_days": "-2"}]
)
def test_tampered_answers_change_nothing(client, survivor, police, session, tampered):
    reach_questions(client, survivor, police)
    response = client.post("/hi/questions", data=answers_form(**tampered))
    assert response.status_code == 422
    assert "दिए गए जवाबों में से एक चुनें" in response.get_data(as_text=True)
    assert count(session, Rating) == 0


def test_a_stakeholder_of_another_type_is_refused(client, survivor, session):
    hospital = StakeholderFactory(type_code="hospital")
    sign_in(client, survivor)
    response = client.post("/bn/whom/police", data={"stakeholder": hospital.id})
    assert response.status_code == 422
    assert "তালিকা থেকে আবার বেছে নিন" in response.get_data(as_text=True)


def test_a_tampered_service_or_month_is_refused(client, survivor, police):
    sign_in(client, survivor)
    client.post("/bn/whom/police", data={"stakeholder": police.id})
    response = client.post("/bn/help", data={"service": "bribe", "when": "next_year"})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("একটা উত্তর বেছে নিন") == 2


def test_a_name_not_in_the_list_is_kept_for_staff(client, survivor, session):
    sign_in(client, survivor)
    response = client.post("/bn/whom/police", data={"not_listed": "1", "name": "  নতুন   থানা  "})
    assert response.status_code == 303
    suggestion = session.scalars(select(StakeholderSuggestion)).one()
    assert suggestion.text == "নতুন থানা" and suggestion.district_id == survivor.district_id


def test_consent_is_off_unless_she_ticks_it(client, survivor, police, session):
    reach_questions(client, survivor, police)
    page = client.get("/bn/questions").get_data(as_text=True)
    assert 'name="consent" value="yes">' in page  # not pre-ticked
    client.post("/bn/questions", data=answers_form(consent="yes"))
    assert session.scalars(select(Rating)).one().consent_contact is True


SURVIVOR_PAGES = [
    "/",
    "/bn/",
    "/hi/",
    "/en/",
    "/bn/whom",
    "/bn/whom/police",
    "/bn/help",
    "/bn/questions",
    "/bn/thanks",
    "/bn/noted",
]


@pytest.mark.parametrize("path", SURVIVOR_PAGES)
def test_every_survivor_page_is_safe_to_leave_and_to_leave_behind(client, survivor, police, path):
    reach_questions(client, survivor, police)
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="quick-exit"' in page and 'href="/exit"' in page
    assert response.headers["Cache-Control"].startswith("no-store")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title in {"Community survey", "সমীক্ষা", "सर्वे"}
    for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", page):
        if (
            'type="hidden"' not in tag
            and 'type="radio"' not in tag
            and 'type="checkbox"' not in tag
        ):
            assert 'autocomplete="off"' in tag or "<form" in page
    assert "<script>" not in page and " on" + "click=" not in page


def test_quick_exit_forgets_her_and_leaves(client, survivor, police, app):
    reach_questions(client, survivor, police)
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["AWAAZ_QUICK_EXIT_URL"]
    assert "storage" in response.headers["Clear-Site-Data"]
    assert client.get("/bn/questions").headers["Location"] == "/bn/"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_stale_form_keeps_her_answers_and_writes_nothing(
    client, survivor, police, session, app_config
):
    reach_questions_with_csrf(client, survivor, police)
    response = client.post("/bn/questions", data={**answers_form(), "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "পাতাটা অনেকক্ষণ খোলা ছিল" in page
    assert re.search(r'name="q_overall" value="3" checked', page)
    assert count(session, Rating) == 0


def reach_questions_with_csrf(client, survivor, police):
    token = _token(client.get("/bn/").get_data(as_text=True))
    client.post("/bn/", data={"code": survivor.code, "csrf_token": token})
    token = _token(client.get("/bn/whom/police").get_data(as_text=True))
    client.post("/bn/whom/police", data={"stakeholder": police.id, "csrf_token": token})
    token = _token(client.get("/bn/help").get_data(as_text=True))
    client.post("/bn/help", data={"service": "safety", "when": "this_month", "csrf_token": token})


def test_static_files_may_be_cached_but_pages_may_not(client):
    page = client.get("/bn/").get_data(as_text=True)
    css = re.search(r'href="([^"]+survivor\.css\?v=[0-9a-f]+)"', page).group(1)
    response = client.get(css)
    response.close()  # a static file is streamed from disk
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]


def test_wrong_codes_are_slowed_then_refused_but_typos_cost_nothing(client, survivor):
    from models.codes import generate_code

    for _ in range(8):  # typos caught by the check symbol do not count
        client.post("/bn/", data={"code": survivor.code[:-1] + "#"})
    for _ in range(5):
        assert client.post("/bn/", data={"code": generate_code()}).status_code == 401
    response = client.post("/bn/", data={"code": survivor.code})
    assert response.status_code == 429
    assert "অনেকবার চেষ্টা হয়েছে" in response.get_data(as_text=True)


def test_staff_switch_a_tablet_into_kiosk_mode_and_are_signed_out(
    client, auth, survivor, police, session
):
    UserFactory(email="field@example.org", role="field", district=survivor.district)
    auth.login("field@example.org")
    other = district("North 24 Parganas")
    assert client.post("/staff/kiosk", data={"district": other.id}).status_code == 200  # not hers
    response = client.post("/staff/kiosk", data={"district": survivor.district_id})
    assert response.status_code == 302 and "awaaz_kiosk=" in response.headers["Set-Cookie"]
    assert client.get("/staff/").status_code == 302  # signed out
    page = client.get("/bn/").get_data(as_text=True)
    assert 'data-kiosk-idle="60"' in page and 'data-reset="/bn/reset"' in page
    reach_questions(client, survivor, police)
    client.post("/bn/questions", data=answers_form())
    assert session.scalars(select(Rating)).one().channel == "kiosk"
    reset = client.get("/bn/reset")
    assert reset.status_code == 303 and reset.headers["Location"] == "/"
    assert "data-kiosk-idle" in client.get("/bn/").get_data(as_text=True)  # still a kiosk
    # "I am done" makes the tablet ready for the next survivor, not a search engine's page.
    thanks = client.get("/bn/thanks").get_data(as_text=True)
    assert 'href="/bn/reset">আমার হয়ে গেছে' in thanks.replace("\n", "")
    # Quick exit leaves the tablet on a quiet page of ours with nothing to read.
    out = client.get("/exit")
    assert out.status_code == 303 and out.headers["Location"] == "/calm"
    calm = client.get("/calm").get_data(as_text=True)
    assert "Awaaz" not in calm and "survey" not in calm.lower() and "quick-exit" not in calm


OTHER_PROCESS = """
import sys
from awaaz import create_app
from models.codes import generate_code
from tests.conftest import make_config
app = create_app(make_config(sys.argv[1], RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
                             RATELIMIT_KEY_PREFIX=sys.argv[2]))
client = app.test_client()
print(" ".join(str(client.post("/en/", data={"code": generate_code()}).status_code)
               for _ in range(int(sys.argv[3]))))
"""


def test_wrong_code_limits_hold_across_server_processes(database_url, tmp_path):
    """Two processes (as two gunicorn workers) sharing Redis share one count of tries."""
    import subprocess
    import sys
    import uuid as uuid_module

    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid_module.uuid4()}"
    script = tmp_path / "other.py"
    script.write_text(OTHER_PROCESS)

    def tries(count: int) -> list[str]:
        root = str(Path(__file__).resolve().parents[2])
        result = subprocess.run(
            [sys.executable, str(script), database_url, prefix, str(count)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": root},
        )
        return result.stdout.split()

    assert tries(3) == ["401"] * 3
    assert tries(3) == ["401", "401", "429"]


@pytest.mark.parametrize(("lang", "words"), [("bn", "পাতাটা পাওয়া গেল না"), ("hi", "पन्ना नहीं मिला")])
def test_a_wrong_address_under_her_language_answers_in_her_language(client, lang, words):
    """Before, /bn/anything-unknown showed the English staff page, without quick exit."""
    response = client.get(f"/{lang}/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert words in page and 'id="quick-exit"' in page and f'lang="{lang}"' in page


def test_switching_language_on_the_questions_keeps_her_answers_and_stores_none(
    client, survivor, police, session
):
    """Before, the language links dropped every answer she had given on the page."""
    reach_questions(client, survivor, police)
    page = client.get("/bn/questions").get_data(as_text=True)
    assert 'formaction="/hi/questions/in"' in page and 'form="answers"' in page
    half = {"q_respect": "4", "q_money": "no", "comment": "ভালো ব্যবহার", "unsafe": "no"}
    response = client.post("/hi/questions/in", data=half)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="hi"' in page
    assert 'action="/hi/questions"' in page  # sending goes on from here, in Hindi
    for name, value in (("q_respect", "4"), ("q_money", "no"), ("unsafe", "no")):
        assert f'name="{name}" value="{value}" checked' in page
    assert "ভালো ব্যবহার" in page
    with client.session_transaction() as kept:
        assert "ভালো ব্যবহার" not in str(dict(kept)) and "q_respect" not in str(dict(kept))
    assert count(session, Rating) == 0
    sent = client.post("/hi/questions", data=answers_form())
    assert sent.status_code == 303 and count(session, Rating) == 1


@pytest.mark.parametrize(
    ("accept", "lang", "exit_words"),
    [("en-US,en", "bn", "এখনই বন্ধ করুন"), ("hi-IN,hi;q=0.9", "hi", "तुरंत बंद करें")],
)
def test_the_start_page_speaks_the_programmes_language_not_the_tablets_factory_english(
    client, accept, lang, exit_words
):
    """Every kiosk reset lands here: before, a red "Leave now" and "Community survey"."""
    page = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and exit_words in page
    assert "Leave now" not in page and "Community survey" not in page
