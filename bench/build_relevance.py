"""Rebuild nlp/lang/zh_ir/relevance.npz: the TF-IDF + LSA space of the relevance measure.

    python bench/build_relevance.py [--corpus ../shared/corpus/results_briefings_2016_2017.jsonl.gz]
                                    [--dims 100] [--max-features 12000] [--out nlp/lang/zh_ir/relevance.npz]
    python bench/build_relevance.py --validate     # choose the settings: held-out AUCs, nothing written

Learned on the unlabelled 业绩说明会 answers and questions (deduplicated pairs; each distinct text once):
scikit-learn's TfidfVectorizer over jieba-identical tokens (``nlp.tokens.Tokenizer().cut``) keeping word
tokens (a Chinese character or a Latin letter) that are not stopwords or courtesy, then TruncatedSVD.
The file holds numbers and single vocabulary words only: the vocabulary, its IDF, the components
(int8 with one scale per component) and the quantiles of the answer-question cosine over all real pairs,
which ``nlp.features.relevance`` uses to normalize (see its docstring).

--validate splits the pairs by conference (80 % to fit, 20 % held out) and reports, for several
settings, how well the cosine tells each held-out answer's own question from another question of the
same conference (the 答非所问 case) and from a random question of the corpus (AUC; 0.5 = chance).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS_NAME = "results_briefings_2016_2017.jsonl.gz"
# ../shared beside the checkout (a git worktree one level deeper finds it one level up)
DEFAULT_CORPUS = next((d / "shared" / "corpus" / CORPUS_NAME for d in (ROOT.parent, ROOT.parent.parent)
                       if (d / "shared" / "corpus" / CORPUS_NAME).exists()), ROOT.parent / "shared" / "corpus" / CORPUS_NAME)
DEFAULT_OUT = ROOT / "nlp" / "lang" / "zh_ir" / "relevance.npz"
WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z]")
N_QUANTILES = 201


def load_pairs(path: Path) -> list[dict]:
    """The corpus pairs with both texts present, exact duplicates dropped (first kept)."""
    seen, pairs = set(), []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            q, a = (row.get("question") or "").strip(), (row.get("answer") or "").strip()
            if not q or not a or (q, a) in seen:
                continue
            seen.add((q, a))
            pairs.append({"conference": f"{row.get('company')}|{row.get('year')}|{row.get('conference')}", "q": q, "a": a})
    return pairs


def term_filter(min_len: int):
    """The build-time analyzer: word tokens outside the stopwords and courtesy words."""
    from nlp.lang import read_text

    stop = set()
    for line in read_text("stopwords.txt").splitlines():
        if not line.startswith("#"):
            stop.update(line.split())

    def analyze(tokens):
        return [t for t in tokens if len(t) >= min_len and t not in stop and WORDLIKE.search(t)]

    return analyze


def fit_space(docs: list[list[str]], dims: int, max_features: int, min_df: int = 3, max_df: float = 0.2):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp.features.relevance import identity_analyzer

    vec = TfidfVectorizer(analyzer=identity_analyzer, min_df=min_df, max_df=max_df, max_features=max_features,
                          sublinear_tf=True, norm="l2", dtype=np.float64)
    X = vec.fit_transform(docs)
    vocabulary = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    idf = vec.idf_.astype(np.float32)
    if dims > 0:
        svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=7, random_state=0)
        svd.fit(X)
        components = svd.components_.astype(np.float32)
    else:  # plain TF-IDF: no projection
        components = np.zeros((0, len(vocabulary)), dtype=np.float32)
    return vocabulary, idf, components


def quantize(components: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 components with one scale per component (a quarter of the float32 size)."""
    if len(components) == 0:
        return components.astype(np.int8), np.zeros(0, dtype=np.float32)
    scale = np.abs(components).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(components / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def make_space(vocabulary, idf, components, quantiles=None, alpha: float = 1.0):
    from nlp.features.relevance import RelevanceSpace

    probs = np.linspace(0.0, 1.0, N_QUANTILES)
    if quantiles is None:
        quantiles = probs.copy()
    return RelevanceSpace(tuple(vocabulary), np.asarray(idf, dtype=np.float64), np.asarray(components, dtype=np.float32),
                          np.asarray(quantiles, dtype=np.float64), probs, alpha)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg]))


def tokenize_all(pairs) -> dict[str, list[str]]:
    """Each distinct text's tokens (jieba-identical)."""
    from nlp.tokens import Tokenizer

    cut = Tokenizer().cutter()
    t0 = time.time()
    cache: dict[str, list[str]] = {}
    for p in pairs:
        for key in ("q", "a"):
            if p[key] not in cache:
                cache[p[key]] = cut(p[key])
    print(f"tokenized {len(cache)} distinct texts in {time.time() - t0:.0f}s", file=sys.stderr)
    return cache


def held_out_split(pairs):
    def bucket(conference: str) -> int:
        return int(hashlib.sha1(conference.encode("utf-8")).hexdigest()[:8], 16) % 5

    return [p for p in pairs if bucket(p["conference"]) != 0], [p for p in pairs if bucket(p["conference"]) == 0]


def negatives(pairs, rng):
    """For each pair: another question of its conference (None if it has only one), a random question."""
    by_conf: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_conf.setdefault(p["conference"], []).append(i)
    same = []
    for i, p in enumerate(pairs):
        others = [j for j in by_conf[p["conference"]] if pairs[j]["q"] != p["q"]]
        same.append(pairs[others[rng.integers(len(others))]]["q"] if others else None)
    rand = [pairs[j]["q"] for j in rng.integers(len(pairs), size=len(pairs))]
    return same, rand


def validate(pairs, settings) -> None:
    rng = np.random.default_rng(0)
    fit_pairs, held = held_out_split(pairs)
    same, rand = negatives(held, rng)
    print(f"{len(fit_pairs)} pairs to fit, {len(held)} held out ({sum(s is not None for s in same)} with a same-conference negative)")
    print("| min_len | LSA dims | vocabulary | alpha (TF-IDF weight) | AUC same conference | AUC random question |")
    print("| --- | --- | --- | --- | --- | --- |")
    raw = tokenize_all(pairs)
    for min_len, dims, max_features, alphas in settings:
        analyze = term_filter(min_len)
        cache = {text: analyze(tokens) for text, tokens in raw.items()}
        docs = list({p[k]: None for p in fit_pairs for k in ("q", "a")})
        vocabulary, idf, components = fit_space([cache[d] for d in docs], dims, max_features)
        q8, scale = quantize(components)  # validate what would ship
        components = q8.astype(np.float32) * scale[:, None]
        ans = [cache[p["a"]] for p in held]
        keep = [i for i, s in enumerate(same) if s is not None]
        for alpha in alphas:
            space = make_space(vocabulary, idf, components, alpha=alpha)
            real = space.cosine(ans, [cache[p["q"]] for p in held])[0]
            neg_same = space.cosine([ans[i] for i in keep], [cache[same[i]] for i in keep])[0]
            neg_rand = space.cosine(ans, [cache[q] for q in rand])[0]
            print(f"| {min_len} | {dims or '-'} | {len(vocabulary)} | {alpha} | {auc(real[keep], neg_same):.3f} | "
                  f"{auc(real, neg_rand):.3f} |", flush=True)


def build(pairs, dims: int, max_features: int, min_len: int, alpha: float, out: Path) -> None:
    analyze = term_filter(min_len)
    cache = {text: analyze(tokens) for text, tokens in tokenize_all(pairs).items()}
    docs = list({p[k]: None for p in pairs for k in ("q", "a")})
    vocabulary, idf, components = fit_space([cache[d] for d in docs], dims, max_features)
    q8, scale = quantize(components)
    space = make_space(vocabulary, idf, q8.astype(np.float32) * scale[:, None], alpha=alpha)
    real, ok = space.cosine([cache[p["a"]] for p in pairs], [cache[p["q"]] for p in pairs])
    probs = np.linspace(0.0, 1.0, N_QUANTILES)
    quantiles = np.quantile(real[ok], probs)
    about = ("Relevance space of irtone (nlp.features.relevance): TF-IDF + TruncatedSVD learned by bench/build_relevance.py "
             "on the answers and questions of 2016-2017 results briefings; numbers and single vocabulary words only. "
             f"min_len={min_len} dims={dims} alpha={alpha} max_features={max_features} min_df=3 max_df=0.2 pairs={len(pairs)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        np.savez_compressed(fh, about=np.array(about), vocabulary=np.array(vocabulary), idf=idf, components=q8,
                            component_scale=scale, alpha=np.float64(alpha), quantiles=quantiles, probabilities=probs)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {len(vocabulary)} words, {dims} dimensions, "
          f"cosine quantiles of {int(ok.sum())} real pairs (median {quantiles[N_QUANTILES // 2]:.3f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--dims", type=int, default=100)
    ap.add_argument("--max-features", type=int, default=12000)
    ap.add_argument("--alpha", type=float, default=0.7, help="weight of the TF-IDF cosine (the rest: LSA)")
    ap.add_argument("--min-len", type=int, default=1, help="shortest token kept (1: single characters too)")
    ap.add_argument("--validate", action="store_true")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: corpus not found (../shared beside the checkout)", file=sys.stderr)
        return 2
    pairs = load_pairs(args.corpus)
    if args.validate:
        validate(pairs, [(1, 0, 30000, (1.0,)), (2, 0, 30000, (1.0,)), (1, 100, 12000, (1.0, 0.7, 0.5, 0.3, 0.0)),
                         (1, 200, 12000, (0.7, 0.5, 0.0)), (1, 100, 16000, (0.7, 0.5))])
        return 0
    build(pairs, args.dims, args.max_features, args.min_len, args.alpha, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
