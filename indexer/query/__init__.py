"""The query: what people type (`language`), its Whoosh form (`translate`), the custom Whoosh
queries it uses (`dismax`, `mostwords`, `recency`) and the words a highlighter marks (`terms`).

Each module reads alone; this package re-exports what the rest of the indexer uses, so callers say
`from indexer.query import parse, to_whoosh`. Ranking knobs live in `knobs`.
"""
from .dismax import DisMax, UnlessAcronym
from .language import MAX_QUERY_CHARS, Clause, ParsedQuery, Phrase, Word, parse, parse_day, split_filters
from .mostwords import MostWords, MostWordsAt, docs_of, segment_docs, segment_offset
from .recency import PreferRecent
from .terms import HighlightTerms, highlight_terms
from .translate import (minimum_should_match, option_query, phrase_query, phrase_terms, prefix_query,
                        proximity_query, to_whoosh, word_query)

__all__ = [
    "Clause", "DisMax", "HighlightTerms", "MAX_QUERY_CHARS", "MostWords", "MostWordsAt", "ParsedQuery",
    "Phrase", "PreferRecent", "UnlessAcronym", "Word", "docs_of", "highlight_terms", "minimum_should_match",
    "option_query", "parse", "parse_day", "phrase_query", "phrase_terms", "prefix_query", "proximity_query",
    "segment_docs", "segment_offset", "split_filters", "to_whoosh", "word_query",
]
