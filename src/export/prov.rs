//! W3C PROV-JSON of the provenance graph: sources and claims as entities, parties as agents,
//! derivations (primary sources and quotations typed as such), attributions, delegations for
//! relaying outlets, and retractions as invalidations. Validates against the PROV-JSON schema.

use super::claimreview::encode;
use crate::model::{PartyKind, Story};
use crate::reconcile::sourcing::SourceGraph;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

fn qname(kind: &str, id: &str) -> String {
    format!("ct:{kind}/{}", encode(id))
}

/// A PROV qualified name as a value.
fn qualified(name: &str) -> Value {
    json!({"$": name, "type": "prov:QUALIFIED_NAME"})
}

/// Numbered relation ids, one sequence per relation kind.
struct Relations {
    map: Map<String, Value>,
    prefix: &'static str,
}

impl Relations {
    fn new(prefix: &'static str) -> Self {
        Relations { map: Map::new(), prefix }
    }
    fn add(&mut self, value: Value) {
        let key = format!("_:{}{}", self.prefix, self.map.len() + 1);
        self.map.insert(key, value);
    }
}

pub fn document(story: &Story) -> Value {
    let mut entity = Map::new();
    let mut agent = Map::new();
    let (mut derived, mut attributed, mut delegated, mut invalidated) =
        (Relations::new("d"), Relations::new("a"), Relations::new("b"), Relations::new("i"));
    let mut delegations = HashSet::new();

    for p in &story.parties {
        let kind = if p.kind == PartyKind::Person { "prov:Person" } else { "prov:Organization" };
        agent.insert(
            qname("party", &p.id),
            json!({"prov:label": p.name, "prov:type": qualified(kind), "ct:kind": p.kind.as_str(), "ct:anonymous": p.anonymous}),
        );
        if let Some(parent) = &p.parent {
            delegated.add(json!({"prov:delegate": qname("party", &p.id), "prov:responsible": qname("party", parent)}));
        }
    }
    let graph = SourceGraph::new(&story.sources, &HashSet::new());
    for s in &story.sources {
        let mut e = json!({"ct:kind": s.kind.as_str(), "ct:reliability": s.reliability.as_str()});
        // A source whose title is not known gets no label rather than a made-up one.
        if let Some(title) = &s.title {
            e["prov:label"] = json!(title);
        }
        if let Some(note) = &s.note {
            e["ct:note"] = json!(note);
        }
        if let Some(url) = &s.url {
            e["prov:location"] = json!(url);
        }
        if let Some(d) = s.published {
            e["ct:published"] = json!(d.to_string());
        }
        entity.insert(qname("source", &s.id), e);
        if let Some(publisher) = &s.publisher {
            attributed.add(json!({"prov:entity": qname("source", &s.id), "prov:agent": qname("party", publisher)}));
        }
        for upstream in &s.derived_from {
            let mut d =
                json!({"prov:generatedEntity": qname("source", &s.id), "prov:usedEntity": qname("source", upstream)});
            if graph.is_root(upstream) {
                d["prov:type"] = qualified("prov:PrimarySource");
            }
            derived.add(d);
        }
    }
    for row in &story.claims {
        let c = &row.claim;
        let id = qname("claim", row.id());
        let mut e = json!({
            "prov:label": format!("{} {} {}", c.party, c.stance, c.proposition),
            "ct:stance": c.stance.as_str(),
            "ct:proposition": c.proposition,
        });
        // An undated claim has no date to give.
        if let Some(d) = row.date {
            e["ct:date"] = json!(d.to_string());
        }
        if let Some(q) = &c.quote {
            e["prov:value"] = json!(q);
        }
        if let Some(conf) = &c.confidence {
            e["ct:confidence"] = json!(conf.0);
        }
        entity.insert(id.clone(), e);
        attributed.add(json!({"prov:entity": id, "prov:agent": qname("party", &c.party)}));
        let mut d = json!({"prov:generatedEntity": id, "prov:usedEntity": qname("source", &c.source)});
        if c.quote.is_some() {
            d["prov:type"] = qualified("prov:Quotation");
        }
        derived.add(d);
        // What the claim's content comes from, beside where it was read.
        for basis in c.basis.iter().filter(|b| **b != c.source) {
            derived.add(json!({"prov:generatedEntity": id, "prov:usedEntity": qname("source", basis)}));
        }
        // A relaying outlet acts on behalf of the party it relays: once per pair.
        if let Some(via) = c.via.as_ref().filter(|v| delegations.insert((v.to_string(), c.party.clone()))) {
            delegated.add(json!({"prov:delegate": qname("party", via), "prov:responsible": qname("party", &c.party)}));
        }
    }
    for x in &story.retractions {
        let kind = if story.sources.iter().any(|s| s.id == x.target) { "source" } else { "claim" };
        invalidated.add(json!({
            "prov:entity": qname(kind, &x.target),
            "prov:time": x.date.start().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "ct:date": x.date.to_string(),
            "ct:reason": x.reason,
        }));
    }
    json!({
        "prefix": {"ct": "urn:claimtrack:", "schema": "https://schema.org/"},
        "entity": entity,
        "agent": agent,
        "wasDerivedFrom": derived.map,
        "wasAttributedTo": attributed.map,
        "actedOnBehalfOf": delegated.map,
        "wasInvalidatedBy": invalidated.map,
    })
}
