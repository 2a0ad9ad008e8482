"""Import publishers, sources, articles, claims and citations from a JSON document, or the
claims of one article from a CSV file: all or nothing, and idempotent.

The JSON document (every section optional, rows in any order within a section)::

    {"publishers": [{"name", "kind", "country", "url"}],
     "sources":    [{"key", "kind", "title", "publisher", "authors", "url", "archived_url",
                     "published_on", "accessed_on", "identifier", "language", "summary",
                     "relies_on": [<source ref>]}],
     "articles":   [{"key", "title", "url", "byline", "publisher", "published_on", "language", "body"}],
     "claims":     [{"key", "article": <article ref>, "statement", "quote", "quote_start",
                     "claimant", "claim_date"}],
     "citations":  [{"claim": <claim ref>, "source": <source ref>, "role", "stance", "quote",
                     "locator", "note"}]}

Natural keys (how a row finds the stored record it stands for):

- publisher: its name, letter case ignored (a name that only looks like a stored one is refused);
- source: its URL (normalised as the services store it); without one, its identifier; without
  either, its title and publisher;
- article: its URL (normalised); without one, its title and byline;
- claim: its article, quote and quote_start (computed when left out, which needs the quote to
  occur exactly once in the body);
- citation: its claim, source and role.

References: ``publisher`` is a publisher's name. A source reference is the ``key`` of a source
row, else a URL or an identifier (of a row or a stored source), or the integer id of a stored
source; an article reference likewise a ``key``, a URL or an id. A claim reference is a claim
row's ``key``, a stored claim's id, or ``{"article", "quote", "quote_start"}``.

A row whose record is stored and equal is left alone (``unchanged``); one that differs is
updated through the service, history included (``updated``); fields left out of a row are
left as they are. Status is never imported: it changes only through transitions.

The CSV has a header row naming some of ``statement, quote, quote_start, claimant,
claim_date`` (``statement`` and ``quote`` required), UTF-8 encoded; its rows are claims of the
one article the caller names.

Every row is validated before anything is written and every problem is reported, with its
section, row (1-based; the line number in a CSV) and field; then everything is written in one
transaction through the services, and the first refusal there undoes it all. The new records of
a section are created at once by its bulk service (``publishers_create_bulk``,
``sources_create_bulk``, ``articles_create_bulk``, ``claims_create_bulk``,
``citations_add_bulk``: the single services' rules, a few statements whatever the number of
rows, the same triggers, history and change log as one by one); changed ones are updated one
by one.

The modules: ``reading`` (JSON, CSV and uploaded files into rows), ``problems`` (the list of
problems a refused file is answered with), ``sections`` (one type per resource: how its rows
are matched and written), ``apply`` (the transaction), ``importer`` (one run, and the entry
points ``import_document``, ``import_csv`` and ``find_article``), and the API's ``views`` and
``serializers``; ``manage.py import_claims`` is the same import from a file.
"""
