#!/usr/bin/env python3
"""Checks a model folder's ONNX files with the onnx package (Debian's python3-onnx, run with /usr/bin/python3), a peer of
ScopeWeb's own checks: each file passes onnx.checker (which also refuses duplicate metadata_props keys), records its
card's scopeweb.tag, scopeweb.algorithm and scopeweb.features, and, with --git-rev, is the file at that revision with
only metadata_props added (same graph, weights, opsets and IR version).

Usage: /usr/bin/python3 tools/models/check_model_metadata.py models [--git-rev HEAD~1]
"""
import argparse
import json
import pathlib
import subprocess
import sys

import onnx


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--git-rev", help="compare each file with this revision's, metadata_props left out")
    args = parser.parse_args()
    failures = 0
    for card_path in sorted(pathlib.Path(args.folder).glob("*.json")):
        card = json.loads(card_path.read_text())
        onnx_path = card_path.parent / card["onnx_file"]
        model = onnx.load(str(onnx_path))
        onnx.checker.check_model(model)
        meta = {p.key: p.value for p in model.metadata_props}
        expected = {"scopeweb.tag": card["tag"], "scopeweb.algorithm": card["algorithm"], "scopeweb.features": card["feature_names"]}
        recorded = {"scopeweb.tag": meta.get("scopeweb.tag"), "scopeweb.algorithm": meta.get("scopeweb.algorithm"),
                    "scopeweb.features": json.loads(meta.get("scopeweb.features", "null"))}
        problems = [k for k in expected if expected[k] != recorded[k]]
        if args.git_rev:
            before = onnx.load_from_string(subprocess.check_output(["git", "show", f"{args.git_rev}:{onnx_path}"]))
            del model.metadata_props[:]
            del before.metadata_props[:]
            if model.SerializeToString() != before.SerializeToString():
                problems.append(f"differs from {args.git_rev} beyond metadata_props")
        print(f"{card_path.name}: {'ok' if not problems else 'FAIL ' + ', '.join(problems)}")
        failures += bool(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
