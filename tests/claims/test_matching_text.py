"""Text made ready for matching (claims/matching_text.py): what is removed, what is kept."""

import random

import pytest

from benchmarks import textgen
from claims.matching_text import containment, fold, names, normalise, numbers, similarity, trigrams


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "How are butterflies surviving the #AustralianFires? Footage by Julie Favell "
            "pic.twitter.com/0eJtwJyS1J — Center for Bio Div (@CenterForBioDiv) January 14, 2020",
            "How are butterflies surviving the Australian Fires ? Footage by Julie Favell "
            "Center for Bio Div January 2020",
        ),
        (
            '"CBC deletes Trump from Home Alone 2" #DefundTheCBChttps://t.co/CsHG8R9cHp '
            "— Brad Trost 🇨🇦 (@BradTrostCPC) December 26, 2019",
            '"CBC deletes Trump from Home Alone 2" Defund The CBC Brad Trost 🇨🇦 December 2019',
        ),
        ("RT @someone: Rockets hit the base https://bit.ly/abc www.example.com/x", "Rockets hit the base"),
        (
            "Thanks @realDonaldTrump &amp; @Sen_Smith for #COVID19 relief",
            "Thanks real Donald Trump & Sen Smith for COVID 19 relief",
        ),
        (
            "Advertisement\nThe minister resigned.\nRead more: another story\n© 2020 Example",
            "The minister resigned.",
        ),
        (
            "\u201cCurly\u201d quotes \u2013 and \u2018dashes\u2019\u00a0here",
            "\"Curly\" quotes - and 'dashes' here",
        ),
        (
            "Le président a dit — Jean Dupont (@jdupont) 3 mars, 2020",
            "Le président a dit - Jean Dupont ( jdupont ) 3 mars, 2020",
        ),
        (
            "Le président a dit — Jean Dupont (@jdupont) mars 3, 2020",
            "Le président a dit Jean Dupont mars 2020",
        ),
        (
            "The drone attack on #Soleimani.#IranUsapic.twitter.com/TvRkHvlgby",
            "The drone attack on Soleimani . Iran Usa",
        ),
        ("Der #Außenminister sagte ÄÖÜ", "Der Außenminister sagte ÄÖÜ"),
        ("https://t.co/x pic.twitter.com/y", ""),
        ("", ""),
    ],
    ids=[
        "tweet-trailer",
        "hashtag-glued-to-link",
        "retweet-and-links",
        "handles-tags-entities",
        "boilerplate",
        "typography",
        "not-a-trailer",
        "french-trailer",
        "picture-link-glued-to-hashtag",
        "german",
        "only-links",
        "empty",
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected
    assert normalise(expected) == expected  # idempotent


def test_accents_are_left_to_the_search_configuration():
    # Both forms stay as they are: claimtrack_unaccent removes accents on both sides.
    assert normalise("Żarif, Erdoğan, São Paulo") == "Żarif, Erdoğan, São Paulo"
    assert fold("Żarif Erdoğan SÃO") == "zarif erdogan sao"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twenty one rockets, the largest attack since 2010", {"21", "2010"}),
        ("twenty-one rockets and 1,000 people", {"21", "1000"}),
        ("two hundred and five detainees", {"205"}),
        ("three million dollars, 3.5 percent", {"3000000", "3.5"}),
        ("No figure at all", set()),
    ],
)
def test_numbers_in_figures_and_words(text, expected):
    assert numbers(text) == expected


def test_names_are_capitalised_words_not_opening_a_sentence():
    assert names("Rockets hit the Green Zone in Baghdad. Officials said so.") == {"green", "zone", "baghdad"}
    assert names("") == set()


def test_trigrams_follow_pg_trgm():
    assert trigrams("Cat") == {"  c", " ca", "cat", "at "}
    assert trigrams("Żar!") == trigrams("zar")
    same, other = trigrams("two rockets struck"), trigrams("a hovercraft")
    assert similarity(same, same) == 1.0
    assert similarity(same, set()) == similarity(set(), set()) == 0.0
    assert 0 < similarity(same, trigrams("two rockets struck Baghdad")) < 1
    assert containment(same, trigrams("Yesterday two rockets struck Baghdad")) == 1.0
    assert containment(other, same) < 0.5


def test_benchmark_tweets_normalise_to_their_statement():
    rng = random.Random(5)  # noqa: S311 - made-up text, not security
    for index in range(20):
        tweet = textgen.tweet_text(rng, index=index)
        assert "pic.twitter.com" in tweet
        assert "(@user" in tweet
        cleaned = normalise(tweet)
        assert "http" not in cleaned
        assert "pic.twitter" not in cleaned
        assert "@" not in cleaned
