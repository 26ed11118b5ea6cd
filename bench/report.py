"""The benchmark's markdown report: one table per corpus, ratio lines, and PASS/MISS per target."""
from __future__ import annotations

SYSTEMS = ("ours", "fts5", "whoosh")
LABELS = {"ours": "Boletines", "fts5": "SQLite FTS5", "whoosh": "Whoosh (default)"}
GB = 1024 ** 3
MB = 1024 ** 2

# The issues' targets; the memory and update ones are set for a 100,000-bulletin corpus.
SEARCH_VS_FTS5 = 2.0  # page set: our p50/p95 at most this many times FTS5's
SETS_VS_FTS5 = 0.5  # common-word and known-item sets: our p50/p95 at most this many times FTS5's
SEARCH_VS_WHOOSH = 5.0  # default Whoosh's p50/p95 at least this many times ours
BUILD_VS_FTS5 = 10.0
PEAK_RSS = 2 * GB
UPDATE_SECONDS = 2.0
WEB_RPS = 100.0
WEB_P99_MS = 250.0
ONESHOT_MS = 300.0  # one-shot CLI search, wall, on the dev corpus

SET_LABELS = {"common": "common words", "known": "known items"}


def _ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def _fts5_rows(name: str, entry: dict, limit: float) -> list[tuple[str, str, bool | None]]:
    rows = []
    for p in ("p50", "p95"):
        r = _ratio(entry["ours"][p], entry["fts5"][p])
        rows.append((f"search {p} ≤ {limit:g}× FTS5's ({name})", f"{r:.2f}×", r <= limit))
    return rows


def targets(result: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, passed) for each of the issues' targets this run could measure."""
    rows: list[tuple[str, str, bool | None]] = []
    search, build_ = result["search"], result["build"]
    if "fts5" in search:
        rows += _fts5_rows("page set", search, SEARCH_VS_FTS5)
    for name, entry in result.get("sets", {}).items():
        if "fts5" in entry and "ours" in entry:
            rows += _fts5_rows(SET_LABELS[name], entry, SETS_VS_FTS5)
    if "whoosh" in search:
        for p in ("p50", "p95"):
            r = _ratio(search["whoosh"][p], search["ours"][p])
            rows.append((f"search {p} ≥ {SEARCH_VS_WHOOSH:g}× faster than default Whoosh", f"{r:.1f}×",
                         r >= SEARCH_VS_WHOOSH))
    if "fts5" in build_ and "ours" in build_:
        r = _ratio(build_["ours"]["wall"], build_["fts5"]["wall"])
        rows.append((f"full build ≤ {BUILD_VS_FTS5:g}× FTS5's", f"{r:.1f}×", r <= BUILD_VS_FTS5))
    at = f" (target for 100,000; here {result['files']:,})" if result["files"] < 100_000 else ""
    if "ours" in build_:
        peak = build_["ours"]["peak_tree"]
        rows.append((f"build peak RSS ≤ 2 GB{at}", _bytes(peak), peak <= PEAK_RSS))
    upd = result["update"]
    rows.append((f"one-bulletin update ≤ {UPDATE_SECONDS:g} s{at}", f"{upd['wall']:.2f} s",
                 upd["wall"] <= UPDATE_SECONDS and upd["updated"] == 1))
    web = result.get("web")
    if web:
        for phase in ("cold", "warm"):
            w = web.get(phase)
            if not w:
                continue
            rows.append((f"web {phase} ≥ {WEB_RPS:g} req/s at {web['clients']} clients ({web['workers']} workers)",
                         f"{w['rps']:.0f} req/s", w["rps"] >= WEB_RPS and w["errors"] == 0))
            rows.append((f"web {phase} p99 ≤ {WEB_P99_MS:g} ms", f"{_ms(w['p99'])} ms", w["p99"] <= WEB_P99_MS))
    one = result.get("oneshot")
    if one and result.get("kind") == "dev":
        for p in ("p50", "p95"):
            rows.append((f"one-shot CLI search {p} ≤ {ONESHOT_MS:g} ms wall (dev corpus)", f"{one[p]:.0f} ms",
                         one[p] <= ONESHOT_MS))
    return rows


def _bytes(n: int | None) -> str:
    if not n:
        return "—"
    if n >= GB:
        return f"{n / GB:.2f} GB"
    return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB"


def _ms(v) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if v < 10 else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def _lat(s: dict | None) -> str:
    if not s:
        return "—"
    return f"{_ms(s['p50'])} / {_ms(s['p95'])} / {_ms(s['p99'])} ms"


def _build_cell(b: dict | None) -> str:
    return f"{b['wall']:.1f} s ({b['cpu']:.0f} s CPU)" if b else "—"


def _web_line(phase: str, web: dict, what: str) -> str:
    w = web[phase]
    cpu = ""
    if w.get("server_cpu") is not None:
        per = f", {w['server_cpu'] / w['requests'] * 1000:.1f} ms per request" if w["requests"] else ""
        cpu = f", server CPU {w['server_cpu']:.1f} s{per}"
    return (f"- web {phase} (`boletines serve`, {web['workers']} workers × {web['threads']} threads, "
            f"{web['clients']} keep-alive clients, {what}): **{w['rps']:.0f} req/s**, latency {_lat(w)} over "
            f"{w['requests']} requests in {w['seconds']:.1f} s, {w['errors']} errors{cpu}"
            + (f" (first: {w['first_error']})" if w.get("first_error") else ""))


def _ratio_text(entry: dict, a: str, b: str) -> str:
    p50, p95 = (_ratio(entry[a][p], entry[b][p]) for p in ("p50", "p95"))
    cpu = _ratio(entry[a]["cpu_mean"], entry[b]["cpu_mean"])
    return f"p50 {p50:.2f}×, p95 {p95:.2f}×, mean CPU per search {cpu:.1f}×"


COLD_PREFIX_TARGET_MS = 300.0


def _cold_prefix_lines(times: dict | None) -> list[str]:
    """Prefix queries (co*, vac*…) each on a freshly opened engine: p50/p95 and the 300 ms target."""
    if not times:
        return []
    values = sorted(times.values())
    p50, p95 = values[len(values) // 2], values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    each = ", ".join(f"{q} {_ms(ms)}" for q, ms in times.items())
    verdict = "PASS" if p95 <= COLD_PREFIX_TARGET_MS else "MISS"
    return [f"- prefix queries, a fresh engine each: p50 / p95 **{_ms(p50)} / {_ms(p95)} ms** ({verdict} vs "
            f"{COLD_PREFIX_TARGET_MS:.0f} ms; {each} ms)"]


def markdown(result: dict, machine: str) -> str:
    b, s = result["build"], result["search"]
    sets = result.get("sets", {})
    cols = [k for k in SYSTEMS if k in b or k in s]
    rounds = result.get("rounds")
    counted = f"{result['queries']} page queries" + (f" × {rounds}" if rounds else "")
    for name, entry in sets.items():
        counted += (f", {SET_LABELS[name]}: skipped ({entry['skipped']})" if "skipped" in entry
                    else f", {entry['queries']} {SET_LABELS[name]} × {entry['rounds']}")
    head = "| | " + " | ".join(LABELS[k] for k in cols) + " |"
    lines = [f"### {result['corpus']}: {result['files']:,} files, {_bytes(result['bytes'])} on disk; "
             f"{counted}; {machine}", "", head, "|---" * (len(cols) + 1) + "|"]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(k) for k in cols) + " |")

    unbuilt = "not measured"
    row("full build, wall (CPU)", lambda k: _build_cell(b.get(k)) if k in b else unbuilt)
    row("…of which in SQLite / Whoosh calls (files are read by parallel workers)",
        lambda k: f"{b[k]['index_seconds']:.1f} s" if "index_seconds" in b.get(k, {}) else "—")
    row("build peak RSS, all processes (largest one)",
        lambda k: f"{_bytes(b[k]['peak_tree'])} ({_bytes(b[k]['peak_largest'])})" if k in b else unbuilt)
    row("index size on disk", lambda k: _bytes(b[k]["size"]) if k in b else unbuilt)
    row("documents indexed", lambda k: f"{b[k]['documents']:,}" if k in b else unbuilt)
    for name, entry in [("page set", s), *((SET_LABELS[n], e) for n, e in sets.items() if "skipped" not in e)]:
        note = ", FTS5 all words else any" if name == "known items" else ""
        row(f"search p50 / p95 / p99, {name}, result cache cold{note}",
            lambda k, e=entry: _lat(e[k]) if k in e else "not run")
        row(f"mean CPU per search, {name}", lambda k, e=entry: f"{_ms(e[k]['cpu_mean'])} ms" if k in e else "—")
        row(f"mean matches per query, {name}", lambda k, e=entry: f"{e[k]['mean_total']:.0f}" if k in e else "—")
    u = result["update"]
    lines += ["",
              f"- one-bulletin update: **{u['wall']:.2f} s** wall ({u['cpu']:.2f} s CPU, {u['mode']}, "
              f"{u['updated']} updated)",
              f"- page-set search with the result cache warm: {_lat(s.get('ours_warm'))}"]
    if "fts5" in s:
        builds = (f"; full build {_ratio(b['ours']['wall'], b['fts5']['wall']):.1f}× (CPU "
                  f"{_ratio(b['ours']['cpu'], b['fts5']['cpu']):.1f}×)") if "ours" in b and "fts5" in b else ""
        lines.append(f"- Boletines / FTS5 (cold), page set: {_ratio_text(s, 'ours', 'fts5')}{builds}")
    for name, entry in sets.items():
        if "fts5" in entry:
            fell = (f"; FTS5 fell back to any word for {entry['fts5']['any_word']} of {entry['queries']} queries"
                    if "any_word" in entry["fts5"] else "")
            lines.append(f"- Boletines / FTS5 (cold), {SET_LABELS[name]}: {_ratio_text(entry, 'ours', 'fts5')}{fell}")
    if "whoosh" in s:
        lines.append(f"- default Whoosh / Boletines (cold), page set: {_ratio_text(s, 'whoosh', 'ours')}")
    w = result.get("web")
    if w:
        if w.get("cold"):
            lines.append(_web_line("cold", w, f"{w['cold']['distinct']} distinct common-word URLs, each sent once"))
        lines.append(_web_line("warm", w, "page-set URLs round robin, answers cached"))
    one = result.get("oneshot")
    if one:
        inside = f"; inside the engine (`took_ms`) p50 {_ms(one['inside']['p50'])} ms" if one.get("inside") else ""
        lines.append(f"- one-shot `python -m indexer.cli search QUERY` ({one['n']} distinct common queries, a fresh "
                     f"process each, one after the other): wall p50 / p95 / max **{_ms(one['p50'])} / {_ms(one['p95'])}"
                     f" / {_ms(one['max'])} ms**{inside}; `python -c pass` p50 {_ms(one['python']['p50'])} ms")
    lines += _cold_prefix_lines(result.get("cold_prefix"))
    for name, entry in [("page set", s), *((SET_LABELS[n], e) for n, e in sets.items())]:
        if "ours" in entry:
            slow = ", ".join(f"{x['query']} {_ms(x['ms'])} ms" for x in entry["ours"]["slowest"])
            lines.append(f"- slowest cold searches (Boletines), {name}: {slow}")
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'PASS' if ok else 'MISS'} |" for t, m, ok in targets(result)]
    return "\n".join(lines) + "\n"
