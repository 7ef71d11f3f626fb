//! The derivation graph of sources: which sources a source rests on at the root, which
//! sources loop, and whether anything upstream of a source is retracted. Every walk is
//! iterative and linear in the graph: a chain may be as long as the database.

use crate::model::Source;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// Sources and their `derived_from` edges, collapsed into strongly connected components so
/// that a loop counts as one root rather than none or many.
pub struct SourceGraph {
    index: FxHashMap<String, usize>,
    ids: Vec<String>,
    component: Vec<usize>,
    members: Vec<Vec<usize>>,
    /// For each component: the components it derives from directly.
    next: Vec<Vec<usize>>,
    /// For each component: the source that names it (the smallest id in it).
    name: Vec<usize>,
    /// For each component: a retracted source in it or upstream of it, if any.
    retracted_upstream: Vec<Option<usize>>,
    self_loop: Vec<bool>,
    /// For each component: whether it is a loop or derives from one (most do not: their
    /// loops upstream are none, without a walk).
    loop_upstream: Vec<bool>,
    /// Roots already computed, by component: only for the sources someone asked about, so
    /// memory stays linear however the graph is shaped. Shared, not copied, with each asker.
    roots_cache: RefCell<FxHashMap<usize, Rc<[String]>>>,
}

impl SourceGraph {
    pub fn new<'a>(sources: impl IntoIterator<Item = &'a Source>, retracted: &HashSet<&str>) -> SourceGraph {
        let sources: Vec<&Source> = sources.into_iter().collect();
        let ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
        let index: FxHashMap<String, usize> = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let upstream: Vec<Vec<usize>> =
            sources.iter().map(|s| s.derived_from.iter().filter_map(|d| index.get(d).copied()).collect()).collect();
        let self_loop: Vec<bool> = (0..ids.len()).map(|i| upstream[i].contains(&i)).collect();
        let (component, count) = strongly_connected(&upstream);
        let mut members = vec![Vec::new(); count];
        for (node, &c) in component.iter().enumerate() {
            members[c].push(node);
        }
        // Tarjan numbers components so that every component reachable from c comes before c:
        // retractions flow downstream in one pass.
        let mut next = Vec::with_capacity(count);
        let mut name = Vec::with_capacity(count);
        let mut retracted_upstream: Vec<Option<usize>> = Vec::with_capacity(count);
        let mut loop_upstream: Vec<bool> = Vec::with_capacity(count);
        for (c, nodes) in members.iter().enumerate() {
            let mut up: Vec<usize> =
                nodes.iter().flat_map(|&n| &upstream[n]).map(|&u| component[u]).filter(|&d| d != c).collect();
            up.sort_unstable();
            up.dedup();
            name.push(*nodes.iter().min_by_key(|&&n| &ids[n]).expect("components are not empty"));
            let own = nodes.iter().filter(|&&n| retracted.contains(ids[n].as_str())).min_by_key(|&&n| &ids[n]);
            retracted_upstream.push(own.copied().or_else(|| up.iter().find_map(|&d| retracted_upstream[d])));
            loop_upstream.push(nodes.len() > 1 || self_loop[nodes[0]] || up.iter().any(|&d| loop_upstream[d]));
            next.push(up);
        }
        SourceGraph {
            index,
            ids,
            component,
            members,
            next,
            name,
            retracted_upstream,
            self_loop,
            loop_upstream,
            roots_cache: RefCell::new(FxHashMap::default()),
        }
    }

    /// The root sources a source rests on (itself, if it derives from nothing), each root
    /// named by the smallest source id in it, sorted.
    pub fn roots(&self, source: &str) -> Rc<[String]> {
        let Some(&i) = self.index.get(source) else { return Rc::from([]) };
        let start = self.component[i];
        if let Some(known) = self.roots_cache.borrow().get(&start) {
            return Rc::clone(known);
        }
        let mut roots: Vec<String> = self
            .reachable(start)
            .into_iter()
            .filter(|&c| self.next[c].is_empty())
            .map(|c| self.component_name(c))
            .collect();
        roots.sort();
        let roots: Rc<[String]> = roots.into();
        self.roots_cache.borrow_mut().insert(start, Rc::clone(&roots));
        roots
    }

    /// The components reachable from `start`, itself included.
    /// Whether a source is a root: it derives from nothing (or it names the loop that does
    /// not derive from anything outside itself). The same as `roots(s).contains(s)`, without
    /// walking upstream.
    pub fn is_root(&self, source: &str) -> bool {
        self.index.get(source).is_some_and(|&i| {
            let c = self.component[i];
            self.next[c].is_empty() && self.name[c] == i
        })
    }

    fn reachable(&self, start: usize) -> Vec<usize> {
        let mut seen = FxHashSet::default();
        seen.insert(start);
        let mut todo = vec![start];
        let mut out = Vec::new();
        while let Some(c) = todo.pop() {
            out.push(c);
            todo.extend(self.next[c].iter().copied().filter(|d| seen.insert(*d)));
        }
        out
    }

    fn component_name(&self, c: usize) -> String {
        self.ids[self.name[c]].clone()
    }

    /// The source itself, or one upstream of it, that is retracted.
    pub fn retracted_upstream(&self, source: &str) -> Option<&str> {
        let &i = self.index.get(source)?;
        self.retracted_upstream[self.component[i]].map(|n| self.ids[n].as_str())
    }

    /// The components of the sources given and of every source upstream of them: what
    /// [`within`](Self::within) asks about.
    pub fn upstream_of(&self, sources: &[&str]) -> FxHashSet<usize> {
        let mut out = FxHashSet::default();
        for s in sources {
            if let Some(&i) = self.index.get(*s) {
                if !out.contains(&self.component[i]) {
                    out.extend(self.reachable(self.component[i]));
                }
            }
        }
        out
    }

    /// Whether a source is among those [`upstream_of`](Self::upstream_of) found.
    pub fn within(&self, upstream: &FxHashSet<usize>, source: &str) -> bool {
        self.index.get(source).is_some_and(|&i| upstream.contains(&self.component[i]))
    }

    /// Every loop of derivations, as the sorted ids of the sources in it.
    pub fn loops(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = self
            .members
            .iter()
            .filter(|m| m.len() > 1 || self.self_loop[m[0]])
            .map(|m| {
                let mut ids: Vec<String> = m.iter().map(|&n| self.ids[n].clone()).collect();
                ids.sort();
                ids
            })
            .collect();
        out.sort();
        out
    }

    /// The loops a source lies in or derives from, each named by its smallest member.
    pub fn loops_upstream(&self, source: &str) -> Vec<String> {
        let Some(&i) = self.index.get(source) else { return Vec::new() };
        if !self.loop_upstream[self.component[i]] {
            return Vec::new();
        }
        let mut out: Vec<String> = self
            .reachable(self.component[i])
            .into_iter()
            .filter(|&c| self.members[c].len() > 1 || self.self_loop[self.members[c][0]])
            .map(|c| self.component_name(c))
            .collect();
        out.sort();
        out
    }
}

/// Tarjan's algorithm, iterative so deep derivation chains cannot overflow the stack.
/// Returns each node's component number and the number of components.
/// Components are numbered so that every component reachable from c comes before c.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> (Vec<usize>, usize) {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
    let mut component = vec![UNSEEN; n];
    let (mut counter, mut count) = (0, 0);
    let mut stack = Vec::new();
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        let mut calls = vec![(start, 0usize)];
        index[start] = counter;
        low[start] = counter;
        counter += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&(v, next)) = calls.last() {
            if next < edges[v].len() {
                calls.last_mut().expect("not empty").1 += 1;
                let w = edges[v][next];
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let w = stack.pop().expect("v is on the stack");
                        on_stack[w] = false;
                        component[w] = count;
                        if w == v {
                            break;
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    (component, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceKind;

    fn source(id: &str, from: &[&str]) -> Source {
        Source {
            id: id.into(),
            title: Some(id.into()),
            kind: SourceKind::Article,
            publisher: None,
            url: None,
            published: None,
            accessed: None,
            reliability: Default::default(),
            derived_from: from.iter().map(|s| s.to_string()).collect(),
            sha256: None,
            note: None,
            logged_by: None,
            recorded: None,
        }
    }

    fn set(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chain_of_rewrites_rests_on_one_root() {
        let s = [source("orig", &[]), source("r1", &["orig"]), source("r2", &["r1"]), source("r3", &["r2"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("r3").to_vec(), set(&["orig"]));
        assert_eq!(g.roots("orig").to_vec(), set(&["orig"]));
        assert!(g.loops().is_empty());
    }

    #[test]
    fn a_source_of_two_roots_rests_on_both() {
        let s = [source("a", &[]), source("b", &[]), source("mix", &["a", "b"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("mix").to_vec(), set(&["a", "b"]));
    }

    #[test]
    fn a_loop_is_one_root_and_is_reported() {
        let s = [source("x", &["y"]), source("y", &["x"]), source("z", &["y"]), source("self", &["self"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("z").to_vec(), set(&["x"]));
        assert_eq!(g.roots("x").to_vec(), set(&["x"]));
        assert_eq!(g.loops(), vec![vec!["self".to_string()], vec!["x".to_string(), "y".to_string()]]);
        assert_eq!(g.loops_upstream("z"), set(&["x"]));
        for s in ["x", "y", "z", "self", "nowhere"] {
            assert_eq!(g.is_root(s), g.roots(s).contains(&s.to_string()), "{s}");
        }
        assert!(g.loops_upstream("self").contains(&"self".to_string()));
        assert!(!g.loops_upstream("self").contains(&"x".to_string()));
    }

    #[test]
    fn retractions_flow_downstream_only() {
        let s = [source("orig", &[]), source("r1", &["orig"]), source("r2", &["r1"])];
        let g = SourceGraph::new(&s, &HashSet::from(["r1"]));
        assert_eq!(g.retracted_upstream("r2"), Some("r1"));
        assert_eq!(g.retracted_upstream("r1"), Some("r1"));
        assert_eq!(g.retracted_upstream("orig"), None);
    }

    /// Shapes that once took memory with the square of the graph or overflowed the stack.
    #[test]
    fn deep_and_wide_graphs_stay_linear() {
        const N: usize = 100_000;
        let chain: Vec<Source> = (0..N)
            .map(|i| {
                let from = if i == 0 { vec![] } else { vec![format!("s{}", i - 1)] };
                Source { derived_from: from, ..source(&format!("s{i}"), &[]) }
            })
            .collect();
        let g = SourceGraph::new(&chain, &HashSet::from(["s0"]));
        assert_eq!(g.roots(&format!("s{}", N - 1)).to_vec(), set(&["s0"]));
        assert_eq!(g.retracted_upstream(&format!("s{}", N - 1)), Some("s0"));
        // N roots, and a chain d_i derived from d_{i-1} and root_i.
        let mut comb: Vec<Source> = (0..N).map(|i| source(&format!("root{i:06}"), &[])).collect();
        comb.extend((0..N).map(|i| {
            let mut from = vec![format!("root{i:06}")];
            if i > 0 {
                from.push(format!("d{}", i - 1));
            }
            Source { derived_from: from, ..source(&format!("d{i}"), &[]) }
        }));
        let g = SourceGraph::new(&comb, &HashSet::new());
        assert_eq!(g.roots(&format!("d{}", N - 1)).len(), N);
        assert_eq!(g.roots("d0").to_vec(), set(&["root000000"]));
    }
}
