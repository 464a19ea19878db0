"""Rebuild nlp/lang/zh_ir/jieba_ties.txt.gz: the adjacent word pairs at which jieba's route can tie exactly.

    python bench/build_token_ties.py [--out nlp/lang/zh_ir/jieba_ties.txt.gz]

Derived from jieba's own dictionary (MIT) plus irtone's domain dictionary, by ``nlp.tokens.tie_pairs``;
rerun it when either changes (tests/test_tokens.py fails until then). See nlp/tokens.py for why.
"""
from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "nlp" / "lang" / "zh_ir" / "jieba_ties.txt.gz")
    args = ap.parse_args()

    import jieba

    from nlp.tokens import Tokenizer, tie_pairs

    pairs = sorted(tie_pairs(Tokenizer("jieba").reference().FREQ))
    header = (f"# Adjacent word pairs at which jieba {jieba.__version__}'s route can tie exactly (jieba's dictionary, MIT, "
              "plus nlp/lang/zh_ir/domain_dict.txt). Built by bench/build_token_ties.py.\n")
    body = "".join(f"{a}\t{b}\n" for a, b in pairs)
    # mtime=0: the same pairs give the same bytes
    args.out.write_bytes(gzip.compress((header + body).encode("utf-8"), mtime=0))
    print(f"wrote {len(pairs)} pairs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
