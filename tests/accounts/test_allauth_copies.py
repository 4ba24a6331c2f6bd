"""Our copies of django-allauth's templates follow allauth's originals: each override
(templates/account/, templates/mfa/, ...) is a copy of allauth's file reworded in our voice,
so when allauth changes one of them (a new field, a new redirect, a fixed csrf) after an
upgrade, our copy must be compared with it by hand. The sha256 of each original as it was
when we last compared it is recorded here; a changed original, or an override without a
recorded hash, fails with the two files to compare."""

from __future__ import annotations

import hashlib
from pathlib import Path

import allauth
from django.conf import settings

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
OURS = Path(settings.BASE_DIR) / "templates"

# The originals of the templates we override, as compared with our copies (django-allauth
# 65.22.1). After comparing a changed original with our copy and carrying over what
# matters, record its new hash here.
ORIGINALS = {
    "account/account_inactive.html":
        "b38ecc2642c28a50c0de4ecec5e7f2e40bd09e7c634d26710c4baf8275a705a4",
    "account/base_reauthenticate.html":
        "3c03c732d9f8e91f5defe4d03e6286e34db65b0a6b0000e60a129cd34173b5fc",
    "account/email_change.html":
        "da346e22f260a150825aedc9a4078eea2913e0ba2d778f198086cd489d253b0a",
    "account/email_confirm.html":
        "1492773a7f581d12eecfe70f97883f9b6400b98498a84438e008147ae4cf6214",
    "account/login.html":
        "bc38debd2f3c65608dc72f102170055a9c5fadbe0db7400d35eda03fd796c339",
    "account/logout.html":
        "78eca3d4ad6ba874723233ee0b214baeb86a035c8f03d5a34f95ca0e41c0203c",
    "account/messages/logged_in.txt":
        "73abcf600bc3ccf15a34160e535f2a905e9f29be45650a5ae5cfe14a37c51181",
    "account/messages/logged_out.txt":
        "2a17c7044d793e9d5ac5a75a89413b0b7e014df565007491b3b713af2e12f85d",
    "account/messages/password_changed.txt":
        "c416e1ccb3f98d556692f65cb36efef4055be058379bec0597553b465059b9df",
    "account/password_change.html":
        "af226f532fb9cbf8be98fcb76eb16980a21670e2f20bef27cdd93788b027df39",
    "account/password_reset.html":
        "3bd4a82fc776309cb237d3789143803b50c2978a7f3f97802ed895d9740acf33",
    "account/password_reset_done.html":
        "845d4c92f669d9201df0b23a0bbe4e25ebd99b3a633909d09ae35f992daab7e6",
    "account/password_reset_from_key.html":
        "a440b3cb49b8f55641d26cf3146a028f21a9e67ed00d1b61676d3a14ce5ba039",
    "account/password_reset_from_key_done.html":
        "84a7e4eeba8bf3ecfc5fae59f8658e7ba6edd9f521383e4d87afe42b55697707",
    "account/reauthenticate.html":
        "9e2a69f8965f618e01c6cb8efcb51ace5f6d3da49b5ef94b7f5f769730a55b85",
    "account/verification_sent.html":
        "0e37141658f79a464e54e4d7dcb7e4a5bb0aefa9bd14198c2d665487d0816959",
    "allauth/elements/button.html":
        "4261ec646c26be91f4ec20130c5e9bf2889a39e760dfca6287dfee12606e9cd4",
    "allauth/elements/field.html":
        "e3a64f1e4ca35d95cb69d7b28adac00fffbdb82684c88b68748e2455515af1a0",
    "allauth/elements/fields.html":
        "08181a5248d6f5d32c10a19d3c12b95228491ffb30fa5f1a24c3ccac7eded6c5",
    "allauth/elements/panel.html":
        "7e5807456bb1b33865db76ed22610e7e79c7c57dbef51898ee26fa9288ad3b42",
    "allauth/layouts/base.html":
        "f7fc39128d98000f1d09955e681b752ad76ba7fab05e80174ce01411ed1802be",
    "mfa/authenticate.html":
        "37e688fdef8f745254fbc6afcacebe74a288c7591743f45880bd368b886dd73e",
    "mfa/index.html":
        "ae4ccf604a9a47463c51900bd11cec5e01a663da50929be0028aaf09b8c1f86c",
    "mfa/messages/totp_activated.txt":
        "27e6ab1e48a192d6c99cdedb5de4ac2228b39f07a502e02ad950ad7866d30fa6",
    "mfa/messages/totp_deactivated.txt":
        "f8f93afa8bf442dc494b657ffe158f9791364f3ab94393372c8032b150b00296",
    "mfa/reauthenticate.html":
        "22fc22425c3fa7e5383fe08a6f7dbb872ee264a9c6a0e54c13a0c92279daaec6",
    "mfa/recovery_codes/base.html":
        "445aff61c3eb4db62ecf896717f85c32ee8f92f677879b26498bdb083ab121dd",
    "mfa/recovery_codes/generate.html":
        "76d405d12d01311c72962bff82b2105623e73d62d0f28d52842b22c49802f7f5",
    "mfa/recovery_codes/index.html":
        "33303ef4ae6a58a2a18c6fde81dc8819a19cbd29f51f88e0a8d8100094428a04",
    "mfa/totp/activate_form.html":
        "c7268f27735c65136561468cd40614ca146b194b6f20fcf4d2f0794d1a04af40",
    "mfa/totp/base.html":
        "c294ce4b33c46e0fb9dbc5abf9ca4d638ec64e0c2f975fe2ca6b93b2a729c033",
    "mfa/totp/deactivate_form.html":
        "02c44a3278e662d0d24b04fe850a9e8172a076507f84695368fa5b2f1f6543f9",
    "usersessions/usersession_list.html":
        "232143c3f98d9d9fd03c97fb0516f9af0a61cf069edf123e2ed90ae5fa814808",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_template_we_override_has_its_original_recorded():
    overrides = sorted(
        str(path.relative_to(OURS)) for path in OURS.rglob("*")
        if path.is_file() and (ALLAUTH_TEMPLATES / path.relative_to(OURS)).is_file()
    )
    new = [name for name in overrides if name not in ORIGINALS]
    assert not new, "Overrides of allauth templates without a recorded original: " + "; ".join(
        f"compare templates/{name} with {ALLAUTH_TEMPLATES / name}, then record the "
        f"original's sha256 ({sha256(ALLAUTH_TEMPLATES / name)}) in ORIGINALS" for name in new
    )
    gone = [name for name in ORIGINALS if name not in overrides]
    assert not gone, (
        "Recorded overrides that no longer override anything (our copy or allauth's original "
        "is gone): " + ", ".join(gone)
    )


def test_allauth_did_not_change_the_originals_of_our_copies():
    changed = [
        name for name, recorded in ORIGINALS.items()
        if (ALLAUTH_TEMPLATES / name).is_file() and sha256(ALLAUTH_TEMPLATES / name) != recorded
    ]
    assert not changed, "allauth changed templates we copied: " + "; ".join(
        f"compare templates/{name} with {ALLAUTH_TEMPLATES / name} (new sha256 "
        f"{sha256(ALLAUTH_TEMPLATES / name)})" for name in changed
    )
