#!/usr/bin/env python3
"""Checks claimtrack's exports with the ecosystem's own tools, offline.

- PROV-JSON: validates against the W3C PROV-JSON schema (jsonschema) and loads in the `prov`
  package with every record intact.
- ClaimReview: expands with PyLD, the schema.org context served from a local file by a
  document loader that refuses every other URL; checks every field Google's fact-check
  guidance marks required or recommended.

Usage: check_exports.py CLAIMTRACK_BINARY   (runs it on the fixtures in temporary databases)
Prints "N passed, 0 failed" and exits 0, or names each failure and exits 1.
"""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import prov.model
from pyld import jsonld

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REFERENCE = os.path.join(ROOT, "fixtures", "reference")
FIXTURES = ["kupol-drones.json", "reversal.json", "rewrites.json"]
ENV = dict(os.environ, CLAIMTRACK_USER="checker", CLAIMTRACK_NOW="2025-10-01T12:00:00Z", NO_COLOR="1")

passed, failed = 0, []


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(f"{name}: {detail}")


def run(binary, db, *args):
    out = subprocess.run([binary, "--db", db, *args], env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"claimtrack {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def local_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        with open(os.path.join(REFERENCE, "schemaorgcontext.jsonld"), encoding="utf-8") as f:
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": json.load(f)}
    raise jsonld.JsonLdError(f"offline: refusing to load {url}", "loading document failed", code="loading document failed")


def check_prov(name, doc):
    with open(os.path.join(REFERENCE, "prov-json.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)
    check(f"{name}: PROV-JSON validates against the schema", not errors, "; ".join(e.message for e in errors[:3]))
    loaded = prov.model.ProvDocument.deserialize(content=json.dumps(doc), format="json")
    records = loaded.get_records()
    expected = sum(len(doc.get(key, {})) for key in ("entity", "agent", "wasDerivedFrom", "wasAttributedTo", "actedOnBehalfOf", "wasInvalidatedBy"))
    check(f"{name}: prov loads every record", len(records) == expected, f"{len(records)} records loaded, {expected} exported")
    kinds = {type(r).__name__ for r in records}
    for kind in ("ProvEntity", "ProvAgent", "ProvDerivation", "ProvAttribution"):
        check(f"{name}: prov sees {kind}", kind in kinds, str(sorted(kinds)))
    labels = {str(r.identifier): {str(v) for v in r.get_attribute("prov:label")} for r in records if type(r).__name__ in ("ProvEntity", "ProvAgent")}
    for key, value in list(doc["entity"].items()) + list(doc["agent"].items()):
        # A source whose title is not known has no label.
        want = {value["prov:label"]} if "prov:label" in value else set()
        check(f"{name}: {key} keeps its label", labels.get(key, set()) == want, f"{labels.get(key)} != {want}")
    # Round trip: what prov writes back still holds every record.
    again = json.loads(loaded.serialize(format="json"))
    check(f"{name}: prov round-trips", sum(len(again.get(k, {})) for k in again if k != "prefix") == expected)


GOOGLE_REQUIRED = ["claimReviewed", "reviewRating", "url"]
GOOGLE_RECOMMENDED = ["author", "datePublished", "itemReviewed"]
RATING_FIELDS = ["ratingValue", "bestRating", "worstRating", "alternateName"]
# datePublished too where the claim has a date: an undated claim is published on no date.
CLAIM_FIELDS = ["author", "appearance", "firstAppearance"]


def check_claimreview(name, doc):
    check(f"{name}: @context is schema.org", doc.get("@context") == "https://schema.org")
    reviews = doc.get("@graph", [])
    check(f"{name}: one ClaimReview per verdict", len(reviews) >= 1, "no reviews")
    for r in reviews:
        rid = r.get("@id", "?")
        check(f"{rid}: @type", r.get("@type") == "ClaimReview")
        for field in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED:
            check(f"{rid}: has {field}", field in r)
        for field in RATING_FIELDS:
            check(f"{rid}: reviewRating has {field}", field in r.get("reviewRating", {}))
        item = r.get("itemReviewed", {})
        check(f"{rid}: itemReviewed is a Claim", item.get("@type") == "Claim")
        for field in CLAIM_FIELDS:
            check(f"{rid}: itemReviewed has {field}", field in item)
        check(f"{rid}: author has a type and a name", r.get("author", {}).get("@type") in ("Organization", "Person") and r["author"].get("name"))
        rating = r.get("reviewRating", {})
        lo, hi = sorted([rating.get("bestRating", 0), rating.get("worstRating", 0)])
        check(f"{rid}: rating within its scale", lo <= rating.get("ratingValue", lo - 1) <= hi)
    expanded = jsonld.expand(doc, {"documentLoader": local_loader})
    types = [t for node in expanded for t in node.get("@type", [])]
    check(f"{name}: expands offline to schema.org ClaimReview nodes", types.count("http://schema.org/ClaimReview") == len(reviews), str(types))
    claimed = [node for node in expanded if "http://schema.org/claimReviewed" in node]
    check(f"{name}: claimReviewed survives expansion", len(claimed) == len(reviews))


def main():
    binary = sys.argv[1]
    for example in os.listdir(REFERENCE):
        if example.endswith("ClaimReview.jsonld") or example.startswith("google"):
            with open(os.path.join(REFERENCE, example), encoding="utf-8") as f:
                expanded = jsonld.expand(json.load(f), {"documentLoader": local_loader})
            check(f"reference example {example} expands offline", len(expanded) >= 1)
    with tempfile.TemporaryDirectory() as tmp:
        for fixture in FIXTURES:
            db = os.path.join(tmp, fixture + ".db")
            run(binary, db, "import", os.path.join(ROOT, "fixtures", fixture))
            props = json.loads(run(binary, db, "prop", "list", "--format", "json"))
            run(binary, db, "config", "set", "org.name", "Example Fact Check")
            run(binary, db, "config", "set", "org.url", "https://factcheck.example.org")
            run(binary, db, "verdict", "set", props[0]["id"], "--rating", "2", "--best", "5", "--worst", "1",
                "--label", "Mostly false", "--explanation", "Rests on one source", "--url", "https://factcheck.example.org/1")
            check_prov(fixture, json.loads(run(binary, db, "export", "--format", "prov")))
            check_claimreview(fixture, json.loads(run(binary, db, "export", "--format", "claimreview")))
    for f in failed:
        print("FAILED", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
