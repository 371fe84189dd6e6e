"""The deployment's keys, in backups and restores.

Three secrets make a database usable: the code key (every survivor's code is an HMAC with
it), the tablet keys (they open what offline tablets sealed) and the session secret (it
signs sessions and kiosk cookies). Each comes from the environment or from the instance
folder (awaaz/app/config.py). A backup carries all of them beside the database; a restore
pairs the database with keys that open it — installing the backup's keys into the instance
folder where the environment does not set them — or refuses, saying what to set.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from awaaz.security import sealing

CODE_KEY_CHECK = "code_key_check"
TABLET_KEY_IDS = "tablet_key_ids"
FILES = {
    "secret": "secret_key",
    "code": "code_key",
    "tablet": sealing.CURRENT_FILE,
    "tablet_old": sealing.OLD_FILE,
}


def code_key_fingerprint(code_key: str) -> str:
    """Tells whether two keys are the same without storing anything that reveals the key."""
    return hmac.new(code_key.encode(), b"awaaz code key check", hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Keys:
    secret: str
    code: str
    tablet: str
    tablet_old: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Any) -> Keys:
        return cls(
            secret=str(config["SECRET_KEY"]),
            code=str(config["AWAAZ_CODE_KEY"]),
            tablet=str(config["AWAAZ_TABLET_KEY"]),
            tablet_old=tuple(config.get("AWAAZ_TABLET_OLD_KEYS") or ()),
        )

    @classmethod
    def from_files(cls, folder: Path) -> Keys:
        return cls(
            secret=(folder / FILES["secret"]).read_text().strip(),
            code=(folder / FILES["code"]).read_text().strip(),
            tablet=(folder / FILES["tablet"]).read_text(),
            tablet_old=tuple(sealing.split_pems((folder / FILES["tablet_old"]).read_text())),
        )

    def files(self) -> dict[str, str]:
        return {
            FILES["secret"]: self.secret + "\n",
            FILES["code"]: self.code + "\n",
            FILES["tablet"]: self.tablet,
            FILES["tablet_old"]: "".join(self.tablet_old),
        }

    def tablet_ids(self) -> list[str]:
        return [sealing.key_id(pem) for pem in (self.tablet, *self.tablet_old)]


@dataclass
class RestorePlan:
    """What a restore does with keys: files to write into the instance folder, and what to
    tell the operator. `refusal` set: the restore must not go ahead."""

    writes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    refusal: str | None = None


def plan_restore(
    current: Keys,
    from_environment: set[str],
    may_write: bool,
    backup_keys: Keys | None,
    backup_code_check: str | None,
) -> RestorePlan:
    """Pair the backup's database with keys that open it.

    current: the keys this server runs with; from_environment: the variables that set them
    (those keys cannot be replaced from here); may_write: keys live in an instance folder;
    backup_keys: the keys the backup carries (None: a backup of before keys were included);
    backup_code_check: the fingerprint of the code key the backup's survivor codes were
    made with (None: the database never recorded one).
    """
    plan = RestorePlan()
    if backup_keys is not None and backup_code_check is not None:
        if not hmac.compare_digest(code_key_fingerprint(backup_keys.code), backup_code_check):
            plan.refusal = (
                "The code key inside this backup does not open its own database's survivor "
                "codes: the file is damaged or was put together from two backups."
            )
            return plan
    codes_fit = backup_code_check is None or hmac.compare_digest(
        code_key_fingerprint(current.code), backup_code_check
    )
    if not codes_fit:
        if backup_keys is None:
            plan.refusal = (
                "Every survivor code in this backup was made with another code key than this "
                "server's, and the backup (made by an older Awaaz) does not carry it. Put the "
                "deployment's old code_key file in the instance folder, or set AWAAZ_CODE_KEY "
                "to it, then restore again. Restoring now would refuse every survivor's code."
            )
            return plan
        if "AWAAZ_CODE_KEY" in from_environment or not may_write:
            plan.refusal = (
                "Every survivor code in this backup was made with another code key than "
                "AWAAZ_CODE_KEY. Set AWAAZ_CODE_KEY to the backup's key (the file "
                "keys/code_key inside the backup) and restore again; restoring now would "
                "refuse every survivor's code."
            )
            return plan
        plan.writes[FILES["code"]] = backup_keys.code + "\n"
        plan.notes.append("The backup's code key is installed: its survivor codes work here.")
    if backup_keys is None:
        return plan
    if backup_keys.secret != current.secret:
        if "AWAAZ_SECRET_KEY" not in from_environment and may_write:
            plan.writes[FILES["secret"]] = backup_keys.secret + "\n"
            plan.notes.append("The backup's session secret is installed: kiosk tablets stay on.")
        else:
            plan.notes.append(
                "AWAAZ_SECRET_KEY differs from the backup's: staff sign in again and kiosk "
                "tablets must be switched on again (their unsent ratings are kept)."
            )
    have = set(current.tablet_ids())
    missing = [
        pem
        for pem in (backup_keys.tablet, *backup_keys.tablet_old)
        if sealing.key_id(pem) not in have
    ]
    if missing and may_write:
        plan.writes[FILES["tablet_old"]] = "".join((*current.tablet_old, *missing))
        plan.notes.append(
            f"{len(missing)} tablet key(s) of the backup kept as old keys: what tablets sealed "
            "for them opens here."
        )
    elif missing:
        plan.notes.append(
            "The backup's tablet keys are not this server's: add the file "
            "keys/tablet_key.pem (and keys/tablet_keys_old.pem) of the backup to "
            "AWAAZ_TABLET_OLD_KEYS, or ratings tablets sealed for them cannot be opened."
        )
    return plan


def install(instance_path: Path, writes: dict[str, str]) -> None:
    """Write key files owner-only, keeping each file replaced beside it."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    for name, text in writes.items():
        path = instance_path / name
        if path.exists():
            path.replace(path.with_name(f"{name}.before-restore-{stamp}"))
        sealing.write_private(path, text)
