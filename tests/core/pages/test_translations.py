"""The Uzbek and Russian catalogues are complete and sound, and real pages come out in those languages."""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.dashboards.conftest import _local_cache, _no_doorbell, seeded  # noqa: F401 - shared fixtures

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["uz", "ru"]
# %(name)s, %(n).1f, %s, %d, %% and {name}: what the code substitutes must survive translation unchanged.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Enough of the PO format for Django's catalogues (polib is not a dependency of the project)."""
    entries, entry, target = [], Entry(), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry.flags += [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(target, int):
                entry.msgstr[target] += _unquote(line)
            else:
                setattr(entry, target, getattr(entry, target) + _unquote(line))
        else:
            keyword, _sep, value = line.partition(" ")
            if keyword.startswith("msgstr"):
                target = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[target] = _unquote(value)
            else:
                target = keyword
                setattr(entry, keyword, _unquote(value))
                if keyword == "msgid":
                    entry.line = number
    if target is not None:
        entries.append(entry)
    return entries


def catalogue(language: str) -> tuple[Entry, list[Entry]]:
    header, *entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert header.msgid == "", "the catalogue must start with its header"
    return header, entries


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_has_no_untranslated_entry(language):
    _, entries = catalogue(language)

    missing = [e.label for e in entries if not all(e.msgstr.values())]

    assert not missing, f"{len(missing)} untranslated in {language}: " + "; ".join(missing[:20])


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_catalogue_has_no_fuzzy_entry(language):
    _, entries = catalogue(language)

    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]

    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: " + "; ".join(fuzzy[:20])


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_placeholders_and_tags_match_the_msgid(language):
    _, entries = catalogue(language)

    wrong = []
    for e in entries:
        # Every plural form names the count, as msgid_plural does.
        source = e.msgid if e.msgid_plural is None else e.msgid_plural
        for n, text in e.msgstr.items():
            if text and _placeholders(text) != _placeholders(source):
                wrong.append(f"{e.label} [{n}]: {_placeholders(source)} vs {_placeholders(text)}")
            if text and sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
                wrong.append(f"{e.label} [{n}]: HTML tags differ")

    assert not wrong, "; ".join(wrong[:20])


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_plural_entries_have_every_form_of_the_header(language):
    header, entries = catalogue(language)
    nplurals = int(re.search(r"nplurals=(\d+)", header.msgstr[0]).group(1))

    wrong = [e.label for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != list(range(nplurals))]

    assert not wrong, f"plural entries without {nplurals} forms: " + "; ".join(wrong)


def test_uzbek_uses_one_apostrophe_for_o_and_g():
    # The existing catalogue writes o' and g' with the plain apostrophe; mixing in U+2018/U+02BB breaks search.
    _, entries = catalogue("uz")

    mixed = [e.label for e in entries for text in e.msgstr.values() if re.search("[oOgG][\u2018\u2019\u02bb]", text)]

    assert not mixed, "; ".join(mixed[:20])


# --- Pages in Uzbek and Russian ---------------------------------------------------------------------------


def _page_text(client, language: str, url: str) -> str:
    client.post(reverse("set_language"), {"language": language})
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    return html.unescape(page)


def _assert_translated(text: str, language: str, *msgids: str) -> None:
    with translation.override(language):
        for msgid in msgids:
            shown = translation.gettext(msgid)
            assert shown != msgid, f"{msgid!r} has no {language} translation"
            assert shown in text, f"{shown!r} not on the page"


@pytest.mark.parametrize("language", TRANSLATED)
def test_login_page_in_language_shows_translated_text(client, language):
    text = _page_text(client, language, reverse("accounts:login"))

    _assert_translated(text, language, "Sign in", "Access is limited to your territory and is recorded.")


@pytest.mark.parametrize("language", TRANSLATED)
def test_national_dashboard_in_language_shows_translated_tiles(client, personas, language):
    client.force_login(personas.national)

    text = _page_text(client, language, reverse("dashboards:home"))

    _assert_translated(text, language, "Registered crimes", "Green mahallas", "Camera alerts", "Key figures")
    assert "Registered crimes only" not in text


@pytest.mark.parametrize("language", TRANSLATED)
def test_alert_queue_in_language_shows_translated_text(client, personas, language):
    client.force_login(personas.operator)

    text = _page_text(client, language, reverse("surveillance:alerts"))

    _assert_translated(text, language, "Review queue", "Urgent only", "Cameras")


@pytest.mark.parametrize("language", TRANSLATED)
def test_mahalla_page_in_language_shows_translated_zone_status(client, personas, territory, language):
    client.force_login(personas.district_official)

    text = _page_text(client, language, reverse("territories:mahalla", args=[territory.mahalla_a1a.pk]))

    _assert_translated(text, language, "Crime-free zone status", "Assigned staff")


@pytest.mark.parametrize("language", TRANSLATED)
def test_dashboard_charts_in_language_keep_svg_numbers_machine_readable(client, personas, seeded,  # noqa: F811
                                                                       language):
    client.force_login(personas.national)

    page = _page_text(client, language, reverse("dashboards:home") + "?period=Q2-2025")

    svg = "".join(re.findall(r"<svg.*?</svg>", page, flags=re.S))
    assert "chart__bar" in svg
    assert not re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height|cx|cy|r)="-?\d+,\d', svg)


def test_a_word_shared_by_two_nouns_agrees_with_each_in_russian():
    from incidents.models import CaseStatus, IncidentStatus

    with translation.override("ru"):
        assert (str(CaseStatus.CLOSED.label), str(CaseStatus.OPEN.label)) == ("закрыт", "открыт")  # случай
        assert str(IncidentStatus.CLOSED.label) == "закрыто"  # происшествие
