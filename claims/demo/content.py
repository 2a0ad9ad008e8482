"""Demo content for Claimtrack: one article, its claims, and the sources it cites.

Plain Python data, no Django imports.  The article body lives next to this module in
``article.txt`` (copied byte for byte from the seed page).  Every claim's ``quote`` is an
exact substring of that text occurring exactly once; non-breaking spaces in the article
are written here as ``\\xa0`` so they are visible.  The curly quotes are the article's own.

Everything below is derived from the article alone.  Nothing here is a verdict about the
world: statuses are only "unverified" or "in_review", statements paraphrase what is claimed
and by whom, and no URL is given except the three youtu.be links the article itself embeds.
Claims the article makes without naming any source have no citations.
"""

# The article's curly quotes and apostrophes are intentional (they must match article.txt).
# ruff: noqa: RUF001

import datetime

ARTICLE = {
    "title": "Iran’s Role in Attacking the U.S. Embassy in Iraq",
    "byline": "Shahriar Kia",
    # The page says: "This article was first published by ncr-iran".
    "publisher": "ncr-iran",
    # The article gives no publication date.
    "published_on": None,
    "language": "en",
    "url": "",
}

PUBLISHERS = [
    {"key": "centcom", "name": "U.S. Central Command", "kind": "military", "country": "US", "url": ""},
    {"key": "wsj", "name": "The Wall Street Journal", "kind": "news_media", "country": "US", "url": ""},
    {
        "key": "state-dept",
        "name": "U.S. Department of State",
        "kind": "government",
        "country": "US",
        "url": "",
    },
    {
        "key": "ncri",
        "name": "National Council of Resistance of Iran",
        "kind": "ngo",
        "country": "",
        "url": "",
    },
    {"key": "ncr-iran", "name": "NCRI (ncr-iran)", "kind": "ngo", "country": "", "url": ""},
]

SOURCES = [
    {
        "key": "centcom-statement-2020-12-23",
        "kind": "official_statement",
        "title": "U.S. Central Command statement on the December 20 rocket attack in Baghdad",
        "publisher": "centcom",
        "authors": "",
        "url": "",
        "archived_url": "",
        # The article says CENTCOM "said Wednesday"; December 23, 2020 was that Wednesday.
        "published_on": datetime.date(2020, 12, 23),
        "identifier": "",
        "language": "en",
        "summary": (
            "Statement by U.S. Central Command on the December 20 rocket attack on Baghdad’s "
            "International Zone near the U.S. embassy. The article says it was made on a "
            "Wednesday and quotes one sentence of it."
        ),
        "relies_on": [],
    },
    {
        "key": "centcom-aar",
        "kind": "report",
        "title": "U.S. Central Command after-action review of the December 20 rocket attack",
        "publisher": "centcom",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "en",
        "summary": (
            "Internal after-action review by U.S. Central Command of the December 20 attack. "
            "It is not public; the article knows it only through The Wall Street Journal’s report."
        ),
        "relies_on": [],
    },
    {
        "key": "wsj-report",
        "kind": "news_report",
        "title": "The Wall Street Journal report of December 23 on the rocket attack in Baghdad",
        "publisher": "wsj",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": datetime.date(2020, 12, 23),
        "identifier": "",
        "language": "en",
        "summary": (
            "News report by The Wall Street Journal on the December 20 rocket attack, citing a "
            "U.S. Central Command after-action review on the number of rockets. The article "
            "gives no headline or author."
        ),
        "relies_on": ["centcom-aar"],
    },
    {
        "key": "centcom-spokesman-remarks",
        "kind": "official_statement",
        "title": "Remarks by a U.S. Central Command spokesman on the December 20 rocket attack",
        "publisher": "centcom",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "en",
        "summary": (
            "Remarks by an unnamed CENTCOM spokesman, paraphrased in the article. The article "
            "gives neither a date nor the venue where they were made."
        ),
        "relies_on": [],
    },
    {
        "key": "trump-tweet-rockets",
        "kind": "social_media_post",
        "title": "Donald Trump tweet with pictures of three rockets",
        "publisher": None,
        "authors": "Donald Trump",
        "url": "",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "en",
        "summary": (
            "Tweet by U.S. President Donald Trump showing pictures of three rockets that failed "
            "to launch in the attack. The article quotes its text but gives no link or date."
        ),
        "relies_on": [],
    },
    {
        "key": "state-designation-masjedi",
        "kind": "government_designation",
        "title": "U.S. designation of Iraj Masjedi under Executive Order 13224",
        "publisher": "state-dept",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": datetime.date(2020, 10, 22),
        "identifier": "Executive Order 13224",
        "language": "en",
        "summary": (
            "U.S. sanctions designation of Iraj Masjedi under Executive Order 13224, dated "
            "October 22, 2020 in the article."
        ),
        "relies_on": [],
    },
    {
        "key": "state-announcement-masjedi",
        "kind": "press_release",
        "title": "U.S. Department of State announcement on Iraj Masjedi",
        "publisher": "state-dept",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "en",
        "summary": (
            "State Department announcement describing Masjedi’s alleged activities for the "
            "IRGC-QF, quoted in the article after the October 22, 2020 designation. The article "
            "does not date it."
        ),
        "relies_on": [],
    },
    {
        "key": "ncri-report-2019-11-15",
        "kind": "report",
        "title": "NCRI exclusive report on Iraj Masjedi’s visits to Iraqi cities",
        "publisher": "ncri",
        "authors": "",
        "url": "",
        "archived_url": "",
        "published_on": datetime.date(2019, 11, 15),
        "identifier": "",
        "language": "en",
        "summary": (
            "Report by the National Council of Resistance of Iran, dated November 15, 2019 in the "
            "article, about visits by Iraj Masjedi to Iraqi cities and meetings with militia leaders."
        ),
        "relies_on": [],
    },
    {
        "key": "zarif-interview-2019-09-02",
        "kind": "interview",
        "title": "Interview with Mohammad Javad Zarif, September 2, 2019",
        "publisher": None,
        "authors": "Mohammad Javad Zarif",
        "url": "",
        "archived_url": "",
        "published_on": datetime.date(2019, 9, 2),
        "identifier": "",
        "language": "",
        "summary": (
            "Interview in which Iranian Foreign Minister Mohammad Javad Zarif spoke about his "
            "working relationship with Qassem Soleimani. The article names neither the outlet "
            "nor the interviewer; Zarif is listed as author because he is the interviewee."
        ),
        "relies_on": [],
    },
    {
        "key": "video-quds-force",
        "kind": "video",
        "title": "Video embedded after the paragraph on the Quds Force in Iraq",
        "publisher": None,
        "authors": "",
        "url": "https://youtu.be/lHQHzmCXIus",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "",
        "summary": (
            "Video linked in the article right after the paragraph on the IRGC Quds Force and "
            "Qasem Soleimani in Iraq. The article does not describe its content."
        ),
        "relies_on": [],
    },
    {
        "key": "video-masjedi",
        "kind": "video",
        "title": "Video embedded after the paragraph on Iraj Masjedi as adviser to Soleimani",
        "publisher": None,
        "authors": "",
        "url": "https://youtu.be/JP04sBCdDYo",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "",
        "summary": (
            "Video linked in the article right after the paragraph on how state-run media "
            "presented Iraj Masjedi. The article does not describe its content."
        ),
        "relies_on": [],
    },
    {
        "key": "video-foreign-ministry",
        "kind": "video",
        "title": "Video embedded after the paragraph on the Quds Force and the Foreign Ministry",
        "publisher": None,
        "authors": "",
        "url": "https://youtu.be/1qZfrIgOmxo",
        "archived_url": "",
        "published_on": None,
        "identifier": "",
        "language": "",
        "summary": (
            "Video linked in the article right after the paragraph on a Quds Force commander "
            "serving as ambassador. The article does not describe its content."
        ),
        "relies_on": [],
    },
]


def _cite(source, role="attribution", stance="supports", note=""):
    """One citation row; quote and locator are left empty (the sources were not consulted)."""
    return {"source": source, "role": role, "stance": stance, "quote": "", "locator": "", "note": note}


_EMBED_NOTE = "The article embeds this video directly after the paragraph containing the quote."

CLAIMS = [
    {
        "statement": (
            "U.S. Central Command said the December 20 rocket attack on Baghdad’s International "
            "Zone near the U.S. embassy was almost certainly conducted by an Iranian-backed rogue "
            "militia group."
        ),
        "quote": "almost certainly conducted by an Iranian-backed rogue militia group.",
        "claimant": "U.S. Central Command",
        "claim_date": datetime.date(2020, 12, 23),
        "status": "unverified",
        "citations": [_cite("centcom-statement-2020-12-23")],
    },
    {
        "statement": (
            "The Wall Street Journal reported that a U.S. Central Command after-action review "
            "found the attack involved 21 rockets, not the eight missiles the Iraqis initially reported."
        ),
        "quote": (
            "the attack involved 21 rockets, not the eight\xa0missiles that the Iraqis initially\xa0said"
        ),
        "claimant": "The Wall Street Journal",
        "claim_date": datetime.date(2020, 12, 23),
        "status": "in_review",
        "citations": [
            _cite(
                "wsj-report",
                note="The report relies on a CENTCOM after-action review that is not public.",
            )
        ],
    },
    {
        "statement": (
            "A U.S. Central Command spokesman said the attack was the largest rocket attack on "
            "Baghdad’s Green Zone since 2010."
        ),
        "quote": "the 21--rocket attack was the largest rocket attack since 2010 on central Baghdad",
        "claimant": "U.S. Central Command",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("centcom-spokesman-remarks")],
    },
    {
        "statement": (
            "Donald Trump tweeted pictures of three rockets that failed to launch in the attack and "
            "wrote that they came from Iran."
        ),
        "quote": "Guess where they were from:\xa0Iran.",
        "claimant": "Donald Trump",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("trump-tweet-rockets")],
    },
    {
        "statement": (
            "U.S. media reported that the U.S. military had been tracking intelligence for several "
            "weeks about increased threats from Iranian-backed militias in Iraq."
        ),
        "quote": (
            "been tracking intelligence for the last few weeks about the increased threats from "
            "Iranian-backed militias inside Iraq."
        ),
        "claimant": "Unnamed media reports",
        "claim_date": None,
        "status": "unverified",
        # The article names no outlet.
        "citations": [],
    },
    {
        "statement": (
            "The IRGC Quds Force is the Iranian government’s central apparatus for controlling and "
            "commanding militia groups in Iraq."
        ),
        "quote": (
            "central\xa0apparatus in controlling and commanding these groups is the\xa0IRGC\xa0Quds Force"
        ),
        "claimant": "Shahriar Kia",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("video-quds-force", role="evidence", stance="context", note=_EMBED_NOTE)],
    },
    {
        "statement": "Qasem Soleimani commanded the crackdown on Iraqi protesters in October 2019.",
        "quote": "He commanded\xa0Iraqi protesters’ crackdown\xa0in October 2019",
        "claimant": "Shahriar Kia",
        "claim_date": None,
        "status": "unverified",
        "citations": [],
    },
    {
        "statement": (
            "Media reports said that Quds Force commander Esmail Ghaani had visited Baghdad at "
            "least twice in recent weeks."
        ),
        "quote": "has visited Baghdad\xa0at least twice in recent weeks.",
        "claimant": "Unnamed media reports",
        "claim_date": None,
        "status": "unverified",
        # The article mentions "media reports" without naming any.
        "citations": [],
    },
    {
        "statement": (
            "IRGC Brigadier General Iraj Masjedi was appointed Iran’s ambassador to Iraq in March 2017."
        ),
        "quote": "who was appointed as the Iranian\xa0regime’s\xa0ambassador in\xa0March\xa02017.",
        "claimant": "Shahriar Kia",
        "claim_date": None,
        "status": "unverified",
        "citations": [],
    },
    {
        "statement": (
            "Before his appointment as ambassador, Iranian state-run media presented Iraj Masjedi "
            "as a senior adviser to Qassem Soleimani."
        ),
        "quote": (
            "state-run media outlets presented\xa0Iraj\xa0Masjedi\xa0as the senior advisor "
            "to\xa0Qassem\xa0Soleimani."
        ),
        "claimant": "Shahriar Kia",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("video-masjedi", role="evidence", stance="context", note=_EMBED_NOTE)],
    },
    {
        "statement": (
            "The NCRI reported that Iraj Masjedi had secretly visited Iraqi cities including "
            "Baghdad, Nasiriyah, Basra, Najaf and Karbala and met Iraqi militia leaders."
        ),
        "quote": "had secretly gone to Iraqi cities such as Baghdad, Nasiriyah, Basra, Najaf, and Karbala.",
        "claimant": "National Council of Resistance of Iran",
        "claim_date": datetime.date(2019, 11, 15),
        "status": "in_review",
        "citations": [_cite("ncri-report-2019-11-15")],
    },
    {
        "statement": (
            "On October 22, 2020, the United States designated Iraj Masjedi under Executive Order "
            "13224 for acting for or on behalf of the IRGC-QF."
        ),
        "quote": "On October 22, 2020, the U.S. designated\xa0Masjedi\xa0under\xa0Executive Order 13224,",
        "claimant": "U.S. Department of State",
        "claim_date": datetime.date(2020, 10, 22),
        "status": "in_review",
        "citations": [_cite("state-designation-masjedi")],
    },
    {
        "statement": (
            "The U.S. State Department said Masjedi used his diplomatic position to facilitate "
            "financial transfers in Iraq for the IRGC-QF."
        ),
        "quote": (
            "has exploited his diplomatic position to facilitate financial transfers in Iraq for "
            "the IRGC-QF, concealing the\xa0latter‘s\xa0interest in the funds."
        ),
        "claimant": "U.S. Department of State",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("state-announcement-masjedi")],
    },
    {
        "statement": (
            "The appointment of a senior Quds Force commander as ambassador reflects close "
            "cooperation between Iran’s security apparatus and its Foreign Ministry."
        ),
        "quote": (
            "the close relationship and cooperation of the regime‘s apparatus of terror and "
            "repression with the Foreign Ministry."
        ),
        "claimant": "Shahriar Kia",
        "claim_date": None,
        "status": "unverified",
        "citations": [_cite("video-foreign-ministry", role="evidence", stance="context", note=_EMBED_NOTE)],
    },
    {
        "statement": (
            "Mohammad Javad Zarif said that he and Qassem Soleimani had never been at odds and had "
            "worked closely together for over 20 years."
        ),
        "quote": (
            "Commander Soleimani and I have never been at odds with each other. We have been "
            "closely working together for over 20 years."
        ),
        "claimant": "Mohammad Javad Zarif",
        "claim_date": datetime.date(2019, 9, 2),
        "status": "unverified",
        "citations": [_cite("zarif-interview-2019-09-02")],
    },
]
