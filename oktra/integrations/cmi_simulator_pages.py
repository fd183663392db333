"""The CMI simulator's wire formats: forms and card input read, HTML pages and XML written.

The pages are plain HTML without JavaScript, except the one-line auto-submit of the return
page (with a visible button for browsers without JavaScript). Every value is escaped here.
Bodies over 64 KB are refused. XML is read with the standard library, after refusing any
DOCTYPE or ENTITY declaration. Card input is only checked here, never kept.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

LANGUAGES = ("fr", "ar", "en")
DEFAULT_LANGUAGE = "fr"
MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 200
EXPIRY = re.compile(r"(\d{2})\s*/\s*(\d{2})")
MOROCCO = ZoneInfo("Africa/Casablanca")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin-top:.8rem}input,select{font-size:1rem;padding:.3rem}"
    "button{margin-top:1rem;margin-inline-end:.5rem;font-size:1rem;padding:.4rem 1rem}"
    ".note{color:#555;font-size:.9rem}.error{color:#a00}"
)

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Paiement sécurisé (simulateur CMI)",
        "notice": "Page de test : n'y saisissez jamais une vraie carte.",
        "colon": " : ",
        "order": "Commande",
        "amount": "Montant",
        "card_number": "Numéro de carte",
        "expiry": "Date d'expiration (MM/AA)",
        "cvc": "Cryptogramme (CVC)",
        "callback": "Rappel serveur (réglage de test)",
        "pay": "Payer",
        "cancel": "Annuler",
        "test_cards": "Cartes de test",
        "invalid": "Vérifiez le numéro de carte, la date (MM/AA, non échue) et le CVC (3 ou 4 "
        "chiffres).",
        "continue": "Continuer",
        "returning": "Retour vers le site du commerçant…",
        "approved": "acceptée",
        "declined": "refusée (code 05)",
        "3ds": "échec 3-D Secure (mdStatus 0, code 99)",
        "unknown": "toute autre carte : refusée (carte de test inconnue, code 14)",
        "normal": "normal : rappel puis redirection",
        "twice": "deux fois : le même rappel deux fois",
        "late": "tardif : redirection puis rappel 2 s après",
        "none": "aucun rappel",
    },
    "en": {
        "title": "Secure payment (CMI simulator)",
        "notice": "Test page: never enter a real card here.",
        "colon": ": ",
        "order": "Order",
        "amount": "Amount",
        "card_number": "Card number",
        "expiry": "Expiry date (MM/YY)",
        "cvc": "Security code (CVC)",
        "callback": "Server callback (test setting)",
        "pay": "Pay",
        "cancel": "Cancel",
        "test_cards": "Test cards",
        "invalid": "Check the card number, the expiry (MM/YY, not past) and the CVC (3 or 4 "
        "digits).",
        "continue": "Continue",
        "returning": "Returning to the merchant's site…",
        "approved": "approved",
        "declined": "declined (code 05)",
        "3ds": "3-D Secure fails (mdStatus 0, code 99)",
        "unknown": "any other card: declined (unknown test card, code 14)",
        "normal": "normal: callback, then redirect",
        "twice": "twice: the same callback twice",
        "late": "late: redirect, then callback 2 s later",
        "none": "no callback",
    },
    "ar": {
        "title": "الدفع الآمن (محاكي CMI)",
        "notice": "صفحة اختبار: لا تُدخل أبداً بطاقة حقيقية.",
        "colon": ": ",
        "order": "الطلب",
        "amount": "المبلغ",
        "card_number": "رقم البطاقة",
        "expiry": "تاريخ الانتهاء (MM/YY)",
        "cvc": "رمز التحقق (CVC)",
        "callback": "إشعار الخادم (إعداد للاختبار)",
        "pay": "ادفع",
        "cancel": "إلغاء",
        "test_cards": "بطاقات الاختبار",
        "invalid": "تحقق من رقم البطاقة وتاريخ الانتهاء (MM/YY، غير منتهٍ) ورمز التحقق (3 أو 4 "
        "أرقام).",
        "continue": "متابعة",
        "returning": "العودة إلى موقع التاجر…",
        "approved": "مقبولة",
        "declined": "مرفوضة (الرمز 05)",
        "3ds": "فشل التحقق 3-D Secure (mdStatus 0، الرمز 99)",
        "unknown": "أي بطاقة أخرى: مرفوضة (بطاقة اختبار غير معروفة، الرمز 14)",
        "normal": "عادي: الإشعار ثم التحويل",
        "twice": "مرتان: نفس الإشعار مرتين",
        "late": "متأخر: التحويل ثم الإشعار بعد ثانيتين",
        "none": "بدون إشعار",
    },
}


def language(lang: str | None) -> str:
    """The page language: fr, ar or en (fr for anything else)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _document(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    """A complete HTML page that no cache keeps; Arabic is laid out right to left."""
    direction = "rtl" if lang == "ar" else "ltr"
    content = (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(content, status_code=status, headers=NO_STORE)


def _field(name: str, label: str, placeholder: str, size: int) -> str:
    """One labelled card input; card data is never autocompleted."""
    return (
        f'<label for="{name}">{escape(label)}</label>'
        f'<input id="{name}" name="{name}" dir="ltr" inputmode="numeric" autocomplete="off" '
        f'placeholder="{placeholder}" size="{size}" required>'
    )


def card_page(
    *,
    lang: str,
    action: str,
    token: str,
    oid: str,
    amount: str,
    test_cards: Sequence[tuple[str, str]],
    modes: Sequence[str],
    invalid: bool = False,
) -> HTMLResponse:
    """The hosted card page, posting to action; test_cards are (digits, outcome key) pairs.

    After invalid card input it comes back with a warning and status 400."""
    text = TEXT[language(lang)]
    colon = text["colon"]
    options = "".join(f'<option value="{m}">{escape(text[m])}</option>' for m in modes)
    cards_note = f"<li>{escape(text['unknown'])}</li>"
    cards = "".join(
        f"<li><bdi>{escape(' '.join(re.findall('.{1,4}', digits)))}</bdi>{colon}"
        f"{escape(text[key])}</li>"
        for digits, key in test_cards
    )
    error = f'<p class="error" role="alert">{escape(text["invalid"])}</p>' if invalid else ""
    body = (
        f"<h1>{escape(text['title'])}</h1><p class=note>{escape(text['notice'])}</p>"
        f"<p>{escape(text['order'])}{colon}<bdi>{escape(oid)}</bdi><br>"
        f"{escape(text['amount'])}{colon}<bdi>{escape(amount)} MAD</bdi></p>{error}"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f"{_field('card-number', text['card_number'], '4111 1111 1111 1111', 23)}"
        f"{_field('card-expiry', text['expiry'], 'MM/YY', 5)}"
        f"{_field('card-cvc', text['cvc'], '123', 4)}"
        f'<label for="callback-mode">{escape(text["callback"])}</label>'
        f'<select id="callback-mode" name="callback">{options}</select><div>'
        f'<button id="pay" type="submit" name="action" value="pay">{escape(text["pay"])}</button>'
        f'<button id="cancel" type="submit" name="action" value="cancel" formnovalidate>'
        f"{escape(text['cancel'])}</button></div></form>"
        f"<h2>{escape(text['test_cards'])}</h2><ul class=note>{cards}{cards_note}</ul>"
    )
    return _document(language(lang), text["title"], body, 400 if invalid else 200)


def redirect_page(
    *, lang: str, url: str, fields: Mapping[str, str], note: str = ""
) -> HTMLResponse:
    """The page that posts the signed result back to okUrl or failUrl through the browser."""
    text = TEXT[language(lang)]
    inputs = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )
    extra = f"<p class=note>{escape(note)}</p>" if note else ""
    body = (
        f"<p>{escape(text['returning'])}</p>"
        f'<form method="post" action="{escape(url)}">{inputs}'
        f'<button type="submit">{escape(text["continue"])}</button></form>{extra}'
        "<script>document.forms[0].submit()</script>"
    )
    return _document(language(lang), text["title"], body)


def error_page(message: str) -> HTMLResponse:
    """The 400 page of a refused request, saying in plain words which check failed."""
    body = f"<h1>CMI simulator: request refused</h1><p class=error>{escape(message)}</p>"
    return _document("en", "CMI simulator: request refused", body, 400)


async def read_body(request: Request) -> bytes | None:
    """The request body, or None when it is larger than 64 KB."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request) -> dict[str, str] | str:
    """The url-encoded form posted (its Content-Type checked by the route), or why it is refused."""
    body = await read_body(request)
    if body is None:
        return "The form is larger than 64 KB."
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # UnicodeDecodeError included
        return f"The form is not UTF-8 url-encoded data with at most {MAX_FIELDS} fields."
    form = dict(pairs)
    return form if len(form) == len(pairs) else "A field is posted more than once."


def card_number(form: Mapping[str, str]) -> str | None:
    """The card number if number, expiry (MM/YY, not past) and CVC look valid, else None."""
    number = re.sub(r"[\s-]", "", form.get("card-number", ""))
    expiry = EXPIRY.fullmatch(form.get("card-expiry", "").strip())
    if not re.fullmatch(r"\d{12,19}", number) or expiry is None:
        return None
    month, year = int(expiry[1]), 2000 + int(expiry[2])
    today = datetime.now(MOROCCO)
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
        return None
    return number if re.fullmatch(r"\d{3,4}", form.get("card-cvc", "").strip()) else None


async def read_cc5_request(request: Request) -> dict[str, str] | str:
    """The posted CC5Request's fields (see parse_cc5_request), or why it is refused."""
    body = await read_body(request)
    return "The body is larger than 64 KB." if body is None else parse_cc5_request(body)


def parse_cc5_request(body: bytes) -> dict[str, str] | str:
    """The CC5Request's leaf fields (`Extra.NAME` for those under Extra), or why it is refused."""
    if DECLARATION.search(body):
        return "A DOCTYPE or ENTITY declaration is refused."
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DOCTYPE, so no entity can be declared
    except ET.ParseError:
        return "The request is not well-formed XML."
    if root.tag != "CC5Request":
        return "The root element must be CC5Request."
    fields = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    for child in root.iterfind("Extra/*"):
        fields[f"Extra.{child.tag}"] = (child.text or "").strip()
    return fields


def cc5_response(
    fields: Mapping[str, str], extra: Mapping[str, str], status: int = 200
) -> Response:
    """A CC5Response with these elements, and an Extra element when extra is given."""
    root = ET.Element("CC5Response")
    for name, value in fields.items():
        ET.SubElement(root, name).text = value
    if extra:
        element = ET.SubElement(root, "Extra")
        for name, value in extra.items():
            ET.SubElement(element, name).text = value
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(content, status_code=status, media_type="application/xml")
