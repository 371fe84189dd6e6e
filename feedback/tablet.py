"""The survivor flow as an installable app for shared kiosk tablets, working offline.

`/<lang>/tablet` is one page whose script (static/tablet.js) walks the same steps as the
ordinary pages — code, whom, which one, what help and when, the questions — from a pack of
the tablet's district (stakeholders, services, questionnaires, words) that the service worker
keeps. A finished rating is sealed for the server at once (awaaz/security/sealing.py), kept in
IndexedDB, and sent with its UUID whenever the network is there; it leaves the tablet only
when the server has answered for it. The ordinary pages stay for phones and for no script.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, jsonify, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from models import District, Stakeholder
from models.base import N_
from models.database import db

from . import directory, messages, voice, wording
from .kiosk import kiosk_district
from .services import active_questionnaire
from .views import LANGUAGES, _render, bp, survivor_asset

STRINGS = {
    "welcome": N_("Welcome. Your voice matters."),
    "welcome_more": N_(
        "Tell us how you were treated when you went for help. Nobody will know your name."
    ),
    "code_label": N_("Type the code from your card"),
    "code_hint": N_("Like this: K7QM4-XTA9P. Small or big letters are both fine."),
    "next": N_("Next"),
    "back": N_("Back"),
    "whom": N_("Whom did you meet?"),
    "search": N_("Search by name"),
    "none_found": N_("No one found with that name."),
    "help": N_("What help did you go for?"),
    "when": N_("When did you go?"),
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "earlier": N_("Before that"),
    "very_bad": N_("Very bad"),
    "bad": N_("Bad"),
    "okay": N_("Okay"),
    "good": N_("Good"),
    "very_good": N_("Very good"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "dont_know": N_("I don't know"),
    "days": N_("Number of days (leave empty if you do not know)"),
    "unsafe": N_("Did anyone frighten you or threaten you?"),
    "unsafe_hint": N_("If you say yes, the programme will look into it. You can leave this empty."),
    "more": N_("Do you want to tell us more? (you can leave this empty)"),
    "no_names": N_("Please do not write names or phone numbers."),
    "consent_q": N_("Do you want your didi to talk to you about this?"),
    "consent": N_("Yes, I want my didi to contact me about this"),
    "consent_hint": N_(
        "Only if you tick this will your didi know it was you. "
        "If you do not tick it, nobody will know."
    ),
    "send": N_("Send"),
    "listen": N_("Listen"),
    "keypad": N_("The letters and numbers of your card"),
    "erase": N_("Rub out"),
    "scan": N_("Show your card to the camera"),
    "scan_stop": N_("Close the camera"),
    "no_camera": N_("The camera did not open. Please type the code, or ask your didi."),
    "answer_all": N_("Please answer the questions marked below."),
    "choose": N_("Please choose an answer."),
    "thanks": N_("Thank you. We got your answers."),
    "saved": N_(
        "Thank you. Your answers are saved on this tablet. "
        "They will be sent when the network is back."
    ),
    "not_saved": N_("Sorry, this tablet could not keep your answers. Please tell your didi."),
    "start_again": N_("Start again"),
    "waiting": N_("Waiting to be sent: %(n)s"),
    "offline": N_("No network now. You can still give your answers."),
    "not_kiosk": N_("This page works only on a programme tablet. Please ask your didi."),
    "about": N_("About %(name)s"),
    "days_invalid": N_("Please write only the number of days, like 12."),
    "unchecked": N_(
        "We could not check your code just now. It will be checked when your answers are sent."
    ),
    "tell_didi": N_("Please tell your didi."),
    "saved_attention": N_(
        "Thank you. Your answers are kept on this tablet. Your didi will see to them."
    ),
    # For the field worker: ratings the server refused, kept on the tablet (docs/offline.md).
    "attention": N_("For your didi: %(n)s need attention"),
    "attention_hint": N_(
        "The server could not take these. They stay locked on this tablet. "
        "Fix the reason, then press Try again."
    ),
    "retry": N_("Try again"),
    "reason_code": N_("The code on the card is not known."),
    "reason_stakeholder": N_("The office is not of this tablet's district."),
    "reason_conflict": N_("The same number was used for another rating."),
    "reason_invalid": N_("Something in it was not right."),
    "reason_key": N_("The server cannot open it: its key was changed. Tell the administrator."),
}


def _pack(lang: str, district_id: int) -> dict:
    """Everything the flow needs offline, for one district, in one language."""
    district = db.session.get(District, district_id)
    stakeholders: dict[str, list[dict]] = {}
    rows = db.session.scalars(
        select(Stakeholder)
        .where(
            Stakeholder.district_id == district_id,
            Stakeholder.active.is_(True),
            Stakeholder.merged_into_id.is_(None),
        )
        .order_by(Stakeholder.name)
    )
    for s in rows:
        stakeholders.setdefault(s.type.code, []).append({"id": s.id, "name": s.display_name(lang)})
    for listed in stakeholders.values():
        listed.sort(key=lambda entry: entry["name"])  # in the order of the names she reads
    with force_locale(lang):
        types, questionnaires = [], {}
        boy_questions: dict[str, dict[str, str]] = {}
        for stype in directory.stakeholder_types(db.session):
            found = active_questionnaire(db.session, stype.id)
            if not found or stype.code not in stakeholders:
                continue
            types.append(
                {
                    "code": stype.code,
                    "label": _(stype.label),
                    "heading": voice.heading(stype, lang),
                    "icon": stype.icon,
                }
            )
            entries = found.entries
            with wording.as_a_boy():
                as_boy = {e.item.code: wording.question(e.item.text, stype.code) for e in entries}
            questionnaires[stype.code] = [
                {
                    "code": e.item.code,
                    "kind": e.item.kind.value,
                    "text": wording.question(e.item.text, stype.code),
                    "required": e.required,
                    "options": [
                        {"code": o.code, "label": _(o.label)}
                        for o in e.item.options
                        if o.code != "dk"
                    ],
                }
                for e in entries
            ]
            # Only the questions a boy reads differently (Hindi verbs agree with the one
            # spoken to), so a language without such forms (Bengali) adds nothing.
            changed = {
                item["code"]: as_boy[item["code"]]
                for item in questionnaires[stype.code]
                if as_boy[item["code"]] != item["text"]
            }
            if changed:
                boy_questions[stype.code] = changed
        strings = {key: _(text) for key, text in STRINGS.items()}
        strings |= {f"code_{k}": str(v) for k, v in messages.CODE_ERRORS.items()}
        strings["locked"] = str(messages.KIOSK_LOCKED)
        services = [
            {"code": s.code, "label": _(s.label), "icon": s.icon}
            for s in directory.services(db.session)
        ]
        with wording.as_a_boy():
            boy_strings = {key: wording.worded(text) for key, text in STRINGS.items()}
    boy = {
        "strings": {k: text for k, text in boy_strings.items() if text != strings[k]},
        "questions": boy_questions,
    }
    return {
        "lang": lang,
        "district": {"id": district.id, "name": district.display_name(lang)},
        "public_key": current_app.config["AWAAZ_TABLET_PUBLIC_KEY"],
        "key_id": current_app.config["AWAAZ_TABLET_KEY_ID"],
        "types": types,
        "stakeholders": stakeholders,
        "services": services,
        "questionnaires": questionnaires,
        "strings": strings,
        # Used once the server, checking her code, says this survivor is addressed as a boy.
        "boy": boy,
        # text → clip, for every text the tablet shows that has one; the clips themselves are
        # fetched once into the tablet's cache (tablet.js), outside this pack.
        "voice": voice.clips_for(
            _spoken(strings, types, services, questionnaires, stakeholders)
            + list(boy["strings"].values())
            + [text for changed in boy["questions"].values() for text in changed.values()],
            lang,
        ),
    }


def _spoken(strings, types, services, questionnaires, stakeholders) -> list[str]:  # type: ignore[no-untyped-def]
    texts = list(strings.values())
    texts += [t[key] for t in types for key in ("label", "heading")]
    texts += [s["label"] for s in services]
    for items in questionnaires.values():
        texts += [i["text"] for i in items] + [o["label"] for i in items for o in i["options"]]
    texts += [s["name"] for listed in stakeholders.values() for s in listed]
    return texts


def _shell() -> list[str]:
    """What the service worker keeps: the page and the pack in each language, and assets."""
    urls = []
    for lang in LANGUAGES:
        urls += [url_for("feedback.tablet", lang=lang), url_for("feedback.tablet_pack", lang=lang)]
    urls += [survivor_asset(name) for name in ("survivor.css", "survivor.js", "tablet.js")]
    urls += [url_for("feedback.tablet_manifest"), url_for("feedback.tablet_icon")]
    urls.append(url_for("feedback.calm"))  # where quick exit lands, network or not
    return urls


@bp.get("/<lang>/tablet")
def tablet(lang):
    """The offline-capable flow (needs script; the ordinary pages do not)."""
    return _render("tablet.html", kiosk=False, is_kiosk=kiosk_district() is not None)


@bp.get("/tablet/pack-<lang>.json")
def tablet_pack(lang):
    district = kiosk_district()
    if district is None:  # only a kiosk tablet has a district, and so a pack
        return jsonify(errors=[{"field": "", "message": "kiosk mode is off"}]), 404
    return jsonify(_pack(lang, district))


@bp.get("/tablet-sw.js")
def tablet_sw():
    shell = _shell()
    version = hashlib.sha256(json.dumps(shell).encode()).hexdigest()[:12]
    body = render_template("feedback/tablet-sw.js", shell=shell, version=version)
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/tablet/manifest.webmanifest")
def tablet_manifest():
    manifest = {
        "name": "Awaaz",
        "short_name": "Awaaz",
        "start_url": url_for("feedback.tablet", lang="bn"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": [
            {
                "src": url_for("feedback.tablet_icon"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    return Response(json.dumps(manifest), mimetype="application/manifest+json")


ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
    '<rect width="512" height="512" rx="96" fill="#0b4f9c"/>'
    '<path d="M150 330c40-120 172-120 212 0" stroke="#fff" stroke-width="36" fill="none" '
    'stroke-linecap="round"/><circle cx="256" cy="190" r="52" fill="#fff"/></svg>'
)


@bp.get("/tablet/icon.svg")
def tablet_icon():
    return Response(ICON, mimetype="image/svg+xml")
