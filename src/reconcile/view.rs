//! What counts on the reconcile date: the claims, requests, retractions and links logged by
//! `known_at` and dated by `as_of`, which claims are live, which are superseded, and each
//! party's position. Computed once; every rule reads it.

use super::sourcing::{strongly_connected, SourceGraph};
use crate::date::{Date, Timestamp};
use crate::model::{ClaimRow, LinkReach, Party, Proposition, Request, Source, Story};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::ops::Deref;
use std::rc::Rc;

/// The derivation graph a reading walks: its own, or one built once for a run that reads
/// its propositions in parts (see [`AllSources`]).
pub(super) enum Graph<'a> {
    Own(Box<SourceGraph>),
    Shared(&'a SourceGraph),
}

impl Deref for Graph<'_> {
    type Target = SourceGraph;
    fn deref(&self) -> &SourceGraph {
        match self {
            Graph::Own(g) => g,
            Graph::Shared(g) => g,
        }
    }
}

/// The sources a reading knows by id: its own, or every source of the story (see
/// [`AllSources`]).
pub(super) enum Sources<'a> {
    Own(FxHashMap<&'a str, &'a Source>),
    Shared(&'a FxHashMap<&'a str, &'a Source>),
}

impl<'a> Deref for Sources<'a> {
    type Target = FxHashMap<&'a str, &'a Source>;
    fn deref(&self) -> &Self::Target {
        match self {
            Sources::Own(s) => s,
            Sources::Shared(s) => s,
        }
    }
}

/// Whether a record logged at `recorded` was known by `known_at`.
fn known(known_at: Option<Timestamp>, recorded: &Option<Timestamp>) -> bool {
    known_at.is_none_or(|k| recorded.is_none_or(|t| t <= k))
}

/// Retracted claims and sources (logged by `known_at`, dated by `as_of`): the date.
fn retractions(story: &Story, as_of: Date, known_at: Option<Timestamp>) -> FxHashMap<&str, Date> {
    story
        .retractions
        .iter()
        .filter(|x| known(known_at, &x.recorded) && x.date.on_or_before(&as_of))
        .map(|x| (x.target.as_str(), x.date))
        .collect()
}

/// Every source of a story, by id, with the retractions of sources as of a date and the
/// derivation graph: read and built once for a run that reads its propositions in parts,
/// where each part would load and graph the sources upstream of its claims (nearly all of
/// them, in a large story). A source's roots, loops and retractions upstream depend only on
/// what is upstream of it, so a part (`store::story_of`: its sources and all upstream of
/// them) reads the same with these as with its own; the part is then loaded without its
/// sources (`store::story_of_claims`).
pub struct AllSources<'s> {
    by_id: FxHashMap<&'s str, &'s Source>,
    /// The retracted sources (dated by `as_of`), with the date.
    retracted: Vec<(&'s str, Date)>,
    graph: SourceGraph,
}

impl<'s> AllSources<'s> {
    /// `story`: every source and every retraction, everything logged counted.
    pub fn new(story: &'s Story, as_of: Date) -> AllSources<'s> {
        let by_id: FxHashMap<&str, &Source> = story.sources.iter().map(|s| (s.id.as_str(), s)).collect();
        let retracted: Vec<(&str, Date)> =
            retractions(story, as_of, None).into_iter().filter(|(id, _)| by_id.contains_key(id)).collect();
        let graph = SourceGraph::new(&story.sources, &retracted.iter().map(|(id, _)| *id).collect());
        AllSources { by_id, retracted, graph }
    }
}

/// The story filtered to what counts on the reconcile date, with the indexes the rules share.
pub(super) struct View<'a> {
    pub as_of: Date,
    pub parties: FxHashMap<&'a str, &'a Party>,
    /// Each party's children (parties whose `parent` it is).
    pub children: FxHashMap<&'a str, Vec<&'a str>>,
    pub sources: Sources<'a>,
    pub propositions: Vec<&'a Proposition>,
    pub graph: Graph<'a>,
    /// Claims logged by `known_at` that count from a day on or before `as_of`, retracted ones
    /// included, by id.
    pub counted: FxHashMap<&'a str, &'a ClaimRow>,
    /// The same claims by proposition, oldest first.
    pub by_prop: FxHashMap<&'a str, Vec<&'a ClaimRow>>,
    /// Retracted claims and sources (logged by `known_at`, dated by `as_of`): the date.
    pub retracted: FxHashMap<&'a str, Date>,
    /// Live claims superseded by another live claim: the one that supersedes it.
    pub superseded: FxHashMap<&'a str, &'a str>,
    /// What each live claim cites (the cited claim may be retracted: that is a finding).
    pub cites: FxHashMap<&'a str, Vec<&'a str>>,
    /// `contradicts` links between live claims.
    pub contradicts: Vec<(&'a str, &'a str)>,
    /// Requests that count, by proposition.
    pub requests: FxHashMap<&'a str, Vec<&'a Request>>,
    /// Each (proposition, party)'s position: its standing claim.
    pub positions: FxHashMap<(&'a str, &'a str), &'a ClaimRow>,
    /// The root sources of each live claim that cites or is cited by a live claim, computed
    /// once over the whole graph of `cites` (see [`View::roots_through_cites`]).
    pub cited_roots: FxHashMap<&'a str, Rc<[String]>>,
}

impl<'a> View<'a> {
    /// The view of `story`: with `all` (see [`AllSources`]; `story` then holds no sources,
    /// and `known_at` is none) its sources are those, else its own.
    pub fn new(
        story: &'a Story,
        as_of: Date,
        known_at: Option<Timestamp>,
        all: Option<&'a AllSources<'a>>,
    ) -> View<'a> {
        let known = |recorded: &Option<Timestamp>| known(known_at, recorded);
        let mut retracted = retractions(story, as_of, known_at);
        let (sources, graph) = match all {
            Some(all) => {
                retracted.extend(all.retracted.iter().copied());
                (Sources::Shared(&all.by_id), Graph::Shared(&all.graph))
            }
            None => {
                let known_sources: Vec<&Source> = story.sources.iter().filter(|s| known(&s.recorded)).collect();
                let retracted_ids: std::collections::HashSet<&str> = retracted.keys().copied().collect();
                let graph = Graph::Own(Box::new(SourceGraph::new(known_sources.iter().copied(), &retracted_ids)));
                (Sources::Own(known_sources.iter().map(|s| (s.id.as_str(), *s)).collect()), graph)
            }
        };
        let counted_list: Vec<&ClaimRow> = story
            .claims
            .iter()
            .filter(|c| known(&c.claim.recorded) && c.counts_from().is_none_or(|d| d.on_or_before(&as_of)))
            .collect();
        let counted: FxHashMap<&str, &ClaimRow> = counted_list.iter().map(|c| (c.id(), *c)).collect();
        let is_live = |id: &str| counted.contains_key(id) && !retracted.contains_key(id);
        let (mut cites, mut supersedes, mut contradicts) = (FxHashMap::default(), Vec::new(), Vec::new());
        for l in story.links.iter().filter(|l| known(&l.recorded) && is_live(&l.from)) {
            // Each relation as model/bearing.rs declares it bears (no wildcard: a new reach is read here).
            match l.rel.reach() {
                LinkReach::Cited => {
                    if counted.contains_key(l.to.as_str()) {
                        cites.entry(l.from.as_str()).or_insert_with(Vec::new).push(l.to.as_str())
                    }
                }
                LinkReach::Standing if is_live(&l.to) => supersedes.push((l.from.as_str(), l.to.as_str())),
                LinkReach::Opposed if is_live(&l.to) => contradicts.push((l.from.as_str(), l.to.as_str())),
                LinkReach::Standing | LinkReach::Opposed | LinkReach::Unread => {}
            }
        }
        let superseded = superseded(&supersedes);
        let mut by_prop: FxHashMap<&str, Vec<&ClaimRow>> = FxHashMap::default();
        let mut positions = FxHashMap::default();
        for c in &counted_list {
            by_prop.entry(c.claim.proposition.as_str()).or_default().push(c);
            let standing = is_live(c.id()) && !superseded.contains_key(c.id());
            if standing && c.claim.stance.is_position() {
                // Claims come oldest first: the last one standing is the position.
                positions.insert((c.claim.proposition.as_str(), c.claim.party.as_str()), *c);
            }
        }
        let mut requests: FxHashMap<&str, Vec<&Request>> = FxHashMap::default();
        for q in story.requests.iter().filter(|q| known(&q.recorded)) {
            if q.asked.or(q.recorded.map(|t| t.date())).is_none_or(|d| d.on_or_before(&as_of)) {
                requests.entry(q.proposition.as_str()).or_default().push(q);
            }
        }
        let mut children: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        for p in &story.parties {
            if let Some(parent) = &p.parent {
                children.entry(parent.as_str()).or_default().push(p.id.as_str());
            }
        }
        let mut view = View {
            as_of,
            parties: story.parties.iter().map(|p| (p.id.as_str(), p)).collect(),
            children,
            sources,
            propositions: story.propositions.iter().filter(|p| known(&p.recorded)).collect(),
            graph,
            counted,
            by_prop,
            retracted,
            superseded,
            cites,
            contradicts,
            requests,
            positions,
            cited_roots: FxHashMap::default(),
        };
        view.cited_roots = view.roots_through_cites();
        view
    }

    /// The root sources of every live claim in the graph of live `cites` links: those of the
    /// sources it rests on directly and those of every claim it cites, near or far. Claims
    /// that cite each other in a loop share one set. Each set is built once from those of
    /// the claims cited (Tarjan numbers a component after every one it reaches), so a chain
    /// of any length costs time linear in it, where walking the chain again from each claim
    /// was quadratic.
    fn roots_through_cites(&self) -> FxHashMap<&'a str, Rc<[String]>> {
        let mut ids: Vec<&'a str> = Vec::new();
        let mut index: FxHashMap<&'a str, usize> = FxHashMap::default();
        let mut edges: Vec<Vec<usize>> = Vec::new();
        let mut node = |id: &'a str, ids: &mut Vec<&'a str>, edges: &mut Vec<Vec<usize>>| {
            *index.entry(id).or_insert_with(|| {
                ids.push(id);
                edges.push(Vec::new());
                ids.len() - 1
            })
        };
        for (&from, cited) in &self.cites {
            for &to in cited.iter().filter(|c| self.is_live(c)) {
                let (f, t) = (node(from, &mut ids, &mut edges), node(to, &mut ids, &mut edges));
                edges[f].push(t);
            }
        }
        let (component, count) = strongly_connected(&edges);
        let mut members = vec![Vec::new(); count];
        for (n, &c) in component.iter().enumerate() {
            members[c].push(n);
        }
        let mut roots: Vec<BTreeSet<String>> = Vec::with_capacity(count);
        for (c, nodes) in members.iter().enumerate() {
            let mut set = BTreeSet::new();
            for &n in nodes {
                for s in self.rests_on(self.counted[ids[n]]) {
                    set.extend(self.graph.roots(s).iter().cloned());
                }
                for &d in edges[n].iter().filter(|&&d| component[d] != c) {
                    set.extend(roots[component[d]].iter().cloned());
                }
            }
            roots.push(set);
        }
        let shared: Vec<Rc<[String]>> = roots.into_iter().map(|set| set.into_iter().collect()).collect();
        ids.iter().enumerate().map(|(n, id)| (*id, Rc::clone(&shared[component[n]]))).collect()
    }

    /// Counted and not retracted.
    pub fn is_live(&self, claim: &str) -> bool {
        self.counted.contains_key(claim) && !self.retracted.contains_key(claim)
    }

    pub fn anonymous(&self, party: &str) -> bool {
        self.parties.get(party).is_some_and(|p| p.anonymous)
    }

    pub fn name(&self, party: &str) -> String {
        self.parties.get(party).map(|p| p.name.clone()).unwrap_or_else(|| party.to_string())
    }

    pub fn source_name(&self, source: &str) -> String {
        self.sources
            .get(source)
            .map_or_else(|| source.to_string(), |s| s.label_by(s.publisher.as_deref().map(|p| self.name(p)).as_deref()))
    }

    /// The position claim of a party on a proposition.
    pub fn position(&self, proposition: &str, party: &str) -> Option<&'a ClaimRow> {
        self.positions.get(&(proposition, party)).copied()
    }

    /// Whether a claim is its party's position on its proposition.
    pub fn stands(&self, c: &ClaimRow) -> bool {
        self.position(&c.claim.proposition, &c.claim.party).is_some_and(|p| p.id() == c.id())
    }
}

/// Which live claims a live claim supersedes, and by which. Claims that supersede each other
/// in a loop cancel out: inside a loop nothing is superseded, so the latest stands.
fn superseded<'a>(edges: &[(&'a str, &'a str)]) -> FxHashMap<&'a str, &'a str> {
    let mut next: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    for (from, to) in edges {
        next.entry(*from).or_default().push(*to);
    }
    // `to` reaches back to `from` exactly when both are in one strongly connected component:
    // one pass of Tarjan's algorithm, where a walk from each edge was quadratic on a chain.
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (from, to) in edges {
        for id in [*from, *to] {
            let n = index.len();
            index.entry(id).or_insert(n);
        }
    }
    let mut graph = vec![Vec::new(); index.len()];
    for (from, to) in edges {
        graph[index[from]].push(index[to]);
    }
    let (component, _) = strongly_connected(&graph);
    let mut out = FxHashMap::default();
    for (from, to) in edges {
        if component[index[from]] != component[index[to]] {
            out.entry(*to).or_insert(*from);
        }
    }
    out
}
