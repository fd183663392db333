"""Published legal texts (privacy policy, terms of use): a versioned, structured source.

Each text lives in texts/<name>.toml with its version, its last-updated date and its sections in
English (the reference text), French and Arabic. Legal-identity placeholders are filled from the
settings; an unset one shows a visible "to be completed" marker. Section 7 of the privacy policy
(retention) is generated from the personal-data registry.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from oktra.i18n import N_, t
from oktra.privacy.cookies import CATEGORY_TITLES, keys_by_category
from oktra.privacy.registry import Category, declarations_by_category
from oktra.settings import Settings

TEXTS_DIR = Path(__file__).parent / "texts"
DOCUMENTS = {"privacy": "privacy-policy", "terms": "terms-of-use"}
IDENTITY_FIELDS = (
    "company_name",
    "share_capital",
    "address",
    "city",
    "rc_number",
    "if_number",
    "ice_number",
    "contact_email",
    "dpo_email",
    "phone",
)
TO_BE_COMPLETED = N_("[to be completed]")
CATEGORY_LABELS = {
    Category.ACCOUNT: N_("Account data"),
    Category.BROWSING: N_("Browsing data"),
    Category.ALERT: N_("Alert data"),
    Category.PAYMENT: N_("Payment data"),
    Category.CONSENT: N_("Consent records"),
    Category.SECURITY: N_("Security records"),
    Category.SUPPORT: N_("Support requests"),
}


@dataclass(frozen=True)
class Block:
    """A paragraph ('p'), a sub-heading ('h3') or a bullet list ('ul')."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One numbered section, in one language."""

    id: str
    number: int
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """A legal text in one language, ready to render."""

    name: str
    version: str
    last_updated: date
    draft: bool
    reference_language: str
    lang: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]


@functools.cache
def load_source(name: str) -> dict:
    """The raw versioned source of a legal text."""
    with (TEXTS_DIR / f"{DOCUMENTS[name]}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _line_kind(line: str) -> str:
    if line.startswith("### "):
        return "h3"
    return "ul" if line.startswith("- ") else "p"


def parse_blocks(body: str) -> tuple[Block, ...]:
    """Split the source markup into paragraphs, sub-headings and bullet lists."""
    blocks: list[Block] = []
    for chunk in body.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        for kind, group in itertools.groupby(lines, key=_line_kind):
            grouped = list(group)
            if kind == "h3":
                blocks.extend(Block("h3", text=line[4:]) for line in grouped)
            elif kind == "ul":
                blocks.append(Block("ul", items=tuple(line[2:] for line in grouped)))
            else:
                blocks.append(Block("p", text=" ".join(grouped)))
    return tuple(blocks)


SUBCONTRACTORS_LOCAL = N_("Amazon Web Services (hosting and email)")
SUBCONTRACTORS_FIREBASE = N_(
    "Amazon Web Services (hosting and email), Firebase/Google Cloud (authentication)"
)
FIREBASE_TRANSFER = N_("Firebase (Google Cloud): authentication service")
AWS_HOSTING = N_("Amazon Web Services (AWS), region {region} ({place}): hosting")
AWS_HOSTING_AND_EMAIL = N_(
    "Amazon Web Services (AWS), region {region} ({place}): hosting; "
    "region {email_region} ({email_place}): email sending via Amazon SES"
)
REGION_PLACES = {
    "eu-north-1": N_("Stockholm, Sweden"),
    "eu-west-1": N_("Ireland"),
    "eu-west-3": N_("Paris, France"),
    "eu-central-1": N_("Frankfurt, Germany"),
    "eu-south-2": N_("Spain"),
    "me-south-1": N_("Bahrain"),
    "us-east-1": N_("Virginia, United States"),
}
HASHING_LOCAL = N_("Secure password hashing (bcrypt) for every account")
HASHING_FIREBASE = N_(
    "Customer passwords verified by Firebase Authentication, never stored by OKTRA; "
    "staff passwords hashed with bcrypt"
)


def _place(region: str, lang: str) -> str:
    return t(lang, REGION_PLACES[region]) if region in REGION_PLACES else region


def aws_transfer(settings: Settings, lang: str) -> str:
    """Section 6's AWS line: the regions this deployment is configured for."""
    hosting = {"region": settings.hosting_region, "place": _place(settings.hosting_region, lang)}
    if settings.email_backend != "ses":
        return "- " + t(lang, AWS_HOSTING).format(**hosting)
    email = {"email_region": settings.ses_region, "email_place": _place(settings.ses_region, lang)}
    return "- " + t(lang, AWS_HOSTING_AND_EMAIL).format(**hosting, **email)


def deployment_values(settings: Settings, lang: str) -> dict[str, str]:
    """What this deployment really uses, for sections 5, 6 and 8 (from the settings)."""
    firebase = settings.auth_provider == "firebase"
    return {
        "aws_transfer": aws_transfer(settings, lang),
        "subcontractors": t(lang, SUBCONTRACTORS_FIREBASE if firebase else SUBCONTRACTORS_LOCAL),
        "firebase_transfer": f"- {t(lang, FIREBASE_TRANSFER)}" if firebase else "",
        "password_hashing": t(lang, HASHING_FIREBASE if firebase else HASHING_LOCAL),
    }


def identity_values(settings: Settings, lang: str) -> dict[str, str]:
    """The legal-identity placeholders, with a visible marker for each unset one."""
    missing = t(lang, TO_BE_COMPLETED)
    return {name: (getattr(settings, name) or "").strip() or missing for name in IDENTITY_FIELDS}


def retention_blocks(lang: str) -> tuple[Block, ...]:
    """Section 7's list, one line per registered table, generated from the registry."""
    template = t(lang, "{category} ({purpose}): {retention}")
    items = [
        template.format(
            category=t(lang, CATEGORY_LABELS[category]),
            purpose=t(lang, declaration.purpose),
            retention=t(lang, declaration.retention),
        )
        for category, declarations in declarations_by_category().items()
        for declaration in declarations
    ]
    return (Block("ul", items=tuple(items)),) if items else ()


def cookie_blocks(lang: str) -> tuple[Block, ...]:
    """Section 10's list, one line per registered cookie or storage key, from the registry."""
    template = t(lang, "{name} ({category}): {purpose} {lifetime}")
    items = [
        template.format(
            name=key.name,
            category=t(lang, CATEGORY_TITLES[key.category]),
            purpose=t(lang, key.purpose),
            lifetime=t(lang, key.lifetime),
        )
        for keys in keys_by_category().values()
        for key in keys
    ]
    return (Block("ul", items=tuple(items)),)


def render_document(name: str, lang: str, settings: Settings) -> Document:
    """A legal text in one language, placeholders filled and generated sections added."""
    source = load_source(name)
    values = {**identity_values(settings, lang), **deployment_values(settings, lang)}
    meta = source["meta"]

    def fill(text: str) -> str:
        return text.format_map(values)

    sections = []
    for raw in source["sections"]:
        blocks = parse_blocks(fill(raw["body"][lang]))
        if name == "privacy" and raw["id"] == "retention":
            blocks = blocks + retention_blocks(lang)
        if name == "privacy" and raw["id"] == "cookies":
            blocks = blocks + cookie_blocks(lang)
        sections.append(Section(raw["id"], raw["number"], fill(raw["title"][lang]), blocks))
    return Document(
        name=name,
        version=str(meta["version"]),
        last_updated=meta["last_updated"],
        draft=bool(meta.get("draft", False)),
        reference_language=meta["reference_language"],
        lang=lang,
        intro=parse_blocks(fill(source["intro"][lang])),
        sections=tuple(sections),
    )
