"""Ranking knobs of the query translation; the values and the measurements that chose them are in
docs/search-quality.md. Read at query time (`knobs.NAME`), so an evaluation run may override them."""

TITLE_BOOST = 2.5
EXACT_BOOST = 1.5
PHRASE_BOOST = 2.0
PROXIMITY = "pairs"  # "pairs": consecutive words near each other; "all": the whole query as one sloppy phrase; "none"
PROXIMITY_SLOP = 4
ALL_WORDS_UP_TO = 3  # queries this short need every word
MIN_SHOULD_MATCH = 0.75  # share of the words a bulletin needs in longer queries (rounded up)
MISSING_WORD_FACTOR = 0.5  # score factor per query word a bulletin lacks
MOST_WORDS_FALLBACK = True  # when no bulletin has enough of the words, show those with the most
DISMAX_TIEBREAK = 0.1  # a word scores its best match (stemmed, title, exact form) + 0.1 × the others; None: they add up
RECENCY_HALF_LIFE_DAYS = 0.0  # 0: relevance alone; e.g. 365: a year-old bulletin loses half its recency bonus
RECENCY_WEIGHT = 0.3  # the share of the score that recency can take away from the oldest bulletins
