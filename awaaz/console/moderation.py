"""The moderation queue: every comment waits here until a moderator approves a redacted text.

Staff read the original (it may name people and places, so each page view is audited), edit
the suggested redaction, and approve, approve as a good-practice example, or reject. Only the
approved, moderated text ever leaves this page (see mis/queries.approved_comments). The
original stays until `awaaz purge` erases it after the retention period.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from awaaz.console.redaction import registry_pattern, suggest
from models import Comment, CommentStatus, Rating, Stakeholder
from models.audit import record
from models.database import db

bp = Blueprint("moderation", __name__, url_prefix="/staff/moderation")
PAGE = 20
MAX_LENGTH = 2000
DECISIONS = {
    "approve": (CommentStatus.APPROVED, False),
    "good": (CommentStatus.APPROVED, True),
    "reject": (CommentStatus.REJECTED, False),
}


@bp.get("")
def queue():
    waiting = db.session.execute(
        select(Comment, Stakeholder.name)
        .join(Rating, Rating.id == Comment.rating_id)
        .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
        .where(Comment.status == CommentStatus.PENDING, Comment.original.is_not(None))
        .order_by(Comment.created_at, Comment.id)
        .limit(PAGE)
    ).all()
    total = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.status == CommentStatus.PENDING)
    )
    names = registry_pattern(db.session) if waiting else re.compile("")
    items = [
        {"comment": c, "stakeholder": name, "suggestion": suggest(c.original, names)}
        for c, name in waiting
    ]
    if items:
        # The originals may name people and places: who read which is on record.
        record(
            db.session,
            "comments.viewed",
            actor=current_user,
            detail={"ids": [item["comment"].id for item in items]},
        )
        db.session.commit()
    return render_template("staff/moderation.html", items=items, total=total, form=FlaskForm())


@bp.post("/<int:comment_id>")
def decide(comment_id: int):
    form = FlaskForm()
    comment = db.session.get(Comment, comment_id)
    decision = DECISIONS.get(request.form.get("decision", ""))
    if not form.validate_on_submit() or comment is None or decision is None:
        abort(400)
    if comment.status is not CommentStatus.PENDING:
        flash(_l("Someone has already decided on this comment."), "error")
        return redirect(url_for(".queue"), 303)
    status, good_practice = decision
    text = " ".join(request.form.get("moderated", "").split())[:MAX_LENGTH]
    if status is CommentStatus.APPROVED and not text:
        flash(_l("Write the text to publish, or reject the comment."), "error")
        return redirect(url_for(".queue"), 303)
    comment.status = status
    comment.good_practice = good_practice
    comment.moderated = text if status is CommentStatus.APPROVED else None
    comment.moderated_at = dt.datetime.now(dt.UTC)
    comment.moderated_by_id = current_user.id
    record(
        db.session,
        f"comment.{status.value}",
        actor=current_user,
        target_type="comment",
        target_id=comment.id,
        detail={"good_practice": good_practice, "edited": text != comment.original},
    )
    db.session.commit()
    flash(_l("Saved."))
    return redirect(url_for(".queue"), 303)
