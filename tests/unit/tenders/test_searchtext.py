"""The French normalizer and the query parser: one token form for both indexes and alerts."""

from __future__ import annotations

import pytest
from snowballstemmer.french_stemmer import FrenchStemmer

from oktra.tenders import searchtext
from oktra.tenders.demo import DEMO_DIR
from oktra.tenders.searchtext import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    STOPWORDS,
    index_text,
    parse_query,
    tokens,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Matériel", "MATERIEL"),
        ("réparation", "Reparation"),
        ("Électricité", "electricite"),
        ("Kénitra", "KENITRA"),
        ("HÔPITAL", "hopital"),
        ("Œuvre", "oeuvre"),
        ("ﬁchier", "fichier"),
    ],
)
def test_case_accents_and_ligatures_give_the_same_token(one, other):
    assert tokens(one) == tokens(other)
    assert len(tokens(one)) == 1


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("fournitures", "fourniture"),
        ("Matériels", "matériel"),
        ("véhicules", "VEHICULE"),
        ("travaux", "TRAVAUX"),
        ("bureaux", "bureau"),
        ("prestations", "prestation"),
    ],
)
def test_french_plurals_meet_their_singular(plural, singular):
    assert tokens(plural) == tokens(singular)


def test_different_words_keep_different_tokens():
    assert tokens("route") != tokens("réseau")
    assert len(set(tokens("ciment gravier peinture"))) == 3


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_elisions_are_dropped_with_either_apostrophe(apostrophe):
    assert tokens(f"l{apostrophe}entretien") == tokens("entretien")
    assert tokens(f"d{apostrophe}un") == []
    assert tokens(f"Travaux d{apostrophe}aménagement") == tokens("travaux aménagement")
    assert tokens(f"qu{apostrophe}il jusqu{apostrophe}au") == []


def test_common_words_are_dropped_and_the_rest_keeps_its_order():
    assert tokens("Achat de fournitures pour la commune") == [
        *tokens("achat"),
        *tokens("fournitures"),
        *tokens("commune"),
    ]
    assert {"de", "la", "le", "les", "des", "du", "et", "pour"} <= STOPWORDS


def test_tokens_hold_only_letters_and_digits():
    text = "N°12/2025 — m² (lot-3) : 1.500,00 DH; <b>x</b> 'quoted' \"q\" a_b *"
    found = tokens(text)
    assert found
    assert all(token.isalnum() for token in found)
    assert "2025" in found
    assert "m2" in found
    assert index_text(text) == " ".join(found)


def test_single_letters_are_dropped_but_single_digits_kept():
    assert tokens("secteur A classe 3") == [*tokens("secteur"), *tokens("classe"), "3"]


def test_a_word_longer_than_forty_characters_is_not_a_token():
    assert tokens("x" * 41) == []
    assert tokens("y" * 40) != []


def test_words_are_required_and_deduplicated():
    query = parse_query("Fournitures informatiques FOURNITURE")
    assert query.required == ((tokens("fournitures")[0],), (tokens("informatiques")[0],))
    assert query.excluded == ()
    assert not query.empty


def test_a_quoted_phrase_is_one_term_of_following_tokens():
    query = parse_query('"matériel de bureau" achat')
    assert query.required == (tuple(tokens("matériel bureau")), tuple(tokens("achat")))
    assert query.words == (*tokens("matériel bureau"), *tokens("achat"))


def test_french_quotes_make_a_phrase_too():
    assert parse_query("«matériel de bureau»").required == (tuple(tokens("matériel bureau")),)


def test_a_minus_excludes_a_word_or_a_phrase():
    query = parse_query('matériel -informatique -"de bureau" -')
    assert query.required == (tuple(tokens("matériel")),)
    assert query.excluded == (tuple(tokens("informatique")), tuple(tokens("bureau")))


def test_a_hyphen_inside_a_word_does_not_exclude():
    query = parse_query("Tanger-Tétouan")
    assert query.required == ((tokens("tanger")[0],), (tokens("tetouan")[0],))
    assert query.excluded == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('"matériel de bureau', "matériel bureau"),
        ('matériel de bureau"', "matériel bureau"),
        ('matériel "de" "bureau', "matériel bureau"),
        ('"""', ""),
        ('"', ""),
    ],
)
def test_an_unbalanced_quote_is_read_as_a_blank(text, words):
    query = parse_query(text)
    assert query.required == tuple((token,) for token in tokens(words))


def test_an_unbalanced_quote_keeps_the_earlier_phrase():
    query = parse_query('"matériel de bureau" "achat')
    assert query.required == (tuple(tokens("matériel bureau")), tuple(tokens("achat")))


def test_a_ten_thousand_character_query_is_cut_and_flagged():
    query = parse_query(("fournitures " * 1000)[:10_000])
    assert query.truncated
    assert query.required == ((tokens("fournitures")[0],),)
    assert not parse_query("fournitures").truncated


def test_the_cut_happens_at_the_limit():
    kept = "a" * (MAX_QUERY_CHARS - 6) + " route"
    assert parse_query(kept).required == (tuple(tokens("route")),)
    assert parse_query(kept + " ciment").required == (tuple(tokens("route")),)


def test_a_word_cut_by_the_limit_is_left_out_not_searched_as_a_fragment():
    query = parse_query("x" * (MAX_QUERY_CHARS - 8) + " fournitures scolaires")
    assert query.truncated
    assert query.required == ()


def test_more_than_the_allowed_terms_are_cut_and_flagged():
    words = " ".join(f"mot{index}" for index in range(MAX_TERMS + 5))
    query = parse_query(words)
    assert len(query.required) == MAX_TERMS
    assert query.truncated


def test_sql_and_fts_operators_are_punctuation():
    query = parse_query('"a" OR b; DROP TABLE tender; -- NEAR(x y) * ^ : (')
    assert query.required == tuple((token,) for token in tokens("drop table tender near"))
    assert query.excluded == ()
    assert all(token.isalnum() for term in query.required for token in term)
    assert {"a", "OR", "*", "^", ":", "("} <= set(query.ignored)


@pytest.mark.parametrize(
    "text",
    ["AND OR NOT", "title:x", "x*", "NEAR(a b, 3)", "' OR '1'='1", "{a b}", "a + b", "^c"],
)
def test_operator_soup_never_yields_a_non_alphanumeric_token(text):
    query = parse_query(text)
    for term in (*query.required, *query.excluded):
        assert term
        assert all(token.isalnum() for token in term)


@pytest.mark.parametrize("text", ["de", "la le les", "d'un", "de la", "l'", '"de la"', "-de"])
def test_a_query_of_common_words_only_is_empty_and_lists_them_as_ignored(text):
    query = parse_query(text)
    assert query.empty
    assert query.required == () and query.excluded == ()
    assert query.ignored


def test_ignored_words_are_named_as_typed():
    assert parse_query("de LA achat").ignored == ("de", "LA")


@pytest.mark.parametrize("text", ["", "   ", "-", "--", '""'])
def test_a_blank_query_is_empty_with_nothing_ignored(text):
    query = parse_query(text)
    assert query.empty
    assert query.ignored == ()


def test_the_stemmer_in_use_gives_the_stems_of_snowballs_reference_french_algorithm():
    reference = FrenchStemmer()
    text = (DEMO_DIR / "attributed.jsonl").read_text(encoding="utf-8")
    words = sorted(set(searchtext._WORD.findall(searchtext.fold(text))))
    assert len(words) > 3000
    assert [searchtext._STEMMER.stemWord(w) for w in words] == [
        reference.stemWord(w) for w in words
    ]
