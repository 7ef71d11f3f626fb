//! The derivation graph of sources: which sources are roots, which loop, and whether anything
//! upstream of a source is retracted.

use crate::model::Source;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Sources and their `derived_from` edges, collapsed into strongly connected components so
/// that a loop counts as one root rather than none or many.
pub struct SourceGraph {
    index: HashMap<String, usize>,
    ids: Vec<String>,
    component: Vec<usize>,
    members: Vec<Vec<usize>>,
    /// For each component: the root sources it rests on, by their representative id.
    roots: Vec<BTreeSet<String>>,
    /// For each component: a retracted source in it or upstream of it, if any.
    retracted_upstream: Vec<Option<String>>,
    self_loop: Vec<bool>,
    /// For each component: the components it derives from directly.
    next: Vec<BTreeSet<usize>>,
}

impl SourceGraph {
    pub fn new<'a>(sources: impl IntoIterator<Item = &'a Source>, retracted: &HashSet<&str>) -> SourceGraph {
        let sources: Vec<&Source> = sources.into_iter().collect();
        let ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
        let index: HashMap<String, usize> = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let upstream: Vec<Vec<usize>> =
            sources.iter().map(|s| s.derived_from.iter().filter_map(|d| index.get(d).copied()).collect()).collect();
        let self_loop = (0..ids.len()).map(|i| upstream[i].contains(&i)).collect();
        let (component, count) = strongly_connected(&upstream);
        let mut members = vec![Vec::new(); count];
        for (node, &c) in component.iter().enumerate() {
            members[c].push(node);
        }
        // Tarjan numbers components so that every component reachable from c comes before c:
        // roots and retractions can be filled in one pass.
        let mut roots: Vec<BTreeSet<String>> = Vec::with_capacity(count);
        let mut retracted_upstream: Vec<Option<String>> = Vec::with_capacity(count);
        let mut next_of = Vec::with_capacity(count);
        for (c, nodes) in members.iter().enumerate() {
            let next: BTreeSet<usize> =
                nodes.iter().flat_map(|&n| &upstream[n]).map(|&u| component[u]).filter(|&d| d != c).collect();
            let representative = nodes.iter().map(|&n| &ids[n]).min().expect("components are not empty");
            roots.push(if next.is_empty() {
                BTreeSet::from([representative.clone()])
            } else {
                next.iter().flat_map(|&d| roots[d].iter().cloned()).collect()
            });
            let mut own: Vec<&String> =
                nodes.iter().map(|&n| &ids[n]).filter(|id| retracted.contains(id.as_str())).collect();
            own.sort();
            retracted_upstream.push(
                own.first()
                    .map(|id| (*id).clone())
                    .or_else(|| next.iter().find_map(|&d| retracted_upstream[d].clone())),
            );
            next_of.push(next);
        }
        SourceGraph { index, ids, component, members, roots, retracted_upstream, self_loop, next: next_of }
    }

    /// The root sources a source rests on (itself, if it derives from nothing).
    pub fn roots(&self, source: &str) -> BTreeSet<String> {
        self.index.get(source).map(|&i| self.roots[self.component[i]].clone()).unwrap_or_default()
    }

    /// The source itself, or one upstream of it, that is retracted.
    pub fn retracted_upstream(&self, source: &str) -> Option<&str> {
        self.index.get(source).and_then(|&i| self.retracted_upstream[self.component[i]].as_deref())
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

    /// Whether a source lies in, or derives from, the loop that `member` belongs to.
    pub fn rests_on_loop(&self, source: &str, member: &str) -> bool {
        let (Some(&from), Some(&to)) = (self.index.get(source), self.index.get(member)) else { return false };
        let target = self.component[to];
        let mut seen = HashSet::new();
        let mut todo = vec![self.component[from]];
        while let Some(c) = todo.pop() {
            if c == target {
                return true;
            }
            if seen.insert(c) {
                todo.extend(self.next[c].iter().copied());
            }
        }
        false
    }
}

/// Tarjan's algorithm, iterative so deep derivation chains cannot overflow the stack.
/// Returns each node's component number and the number of components.
fn strongly_connected(edges: &[Vec<usize>]) -> (Vec<usize>, usize) {
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
            title: id.into(),
            kind: SourceKind::Article,
            publisher: None,
            url: None,
            published: None,
            accessed: None,
            reliability: Default::default(),
            derived_from: from.iter().map(|s| s.to_string()).collect(),
            sha256: None,
            logged_by: None,
            recorded: None,
        }
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chain_of_rewrites_rests_on_one_root() {
        let s = [source("orig", &[]), source("r1", &["orig"]), source("r2", &["r1"]), source("r3", &["r2"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("r3"), set(&["orig"]));
        assert_eq!(g.roots("orig"), set(&["orig"]));
        assert!(g.loops().is_empty());
    }

    #[test]
    fn a_source_of_two_roots_rests_on_both() {
        let s = [source("a", &[]), source("b", &[]), source("mix", &["a", "b"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("mix"), set(&["a", "b"]));
    }

    #[test]
    fn a_loop_is_one_root_and_is_reported() {
        let s = [source("x", &["y"]), source("y", &["x"]), source("z", &["y"]), source("self", &["self"])];
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("z"), set(&["x"]));
        assert_eq!(g.roots("x"), set(&["x"]));
        assert_eq!(g.loops(), vec![vec!["self".to_string()], vec!["x".to_string(), "y".to_string()]]);
        assert!(g.rests_on_loop("z", "y"));
        assert!(!g.rests_on_loop("self", "x"));
    }

    #[test]
    fn retractions_flow_downstream_only() {
        let s = [source("orig", &[]), source("r1", &["orig"]), source("r2", &["r1"])];
        let g = SourceGraph::new(&s, &HashSet::from(["r1"]));
        assert_eq!(g.retracted_upstream("r2"), Some("r1"));
        assert_eq!(g.retracted_upstream("r1"), Some("r1"));
        assert_eq!(g.retracted_upstream("orig"), None);
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let ids: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
        let s: Vec<Source> = (0..ids.len())
            .map(|i| {
                source(
                    &ids[i],
                    if i == 0 { &[] } else { std::slice::from_ref(&ids[i - 1]) }
                        .iter()
                        .map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .as_slice(),
                )
            })
            .collect();
        let g = SourceGraph::new(&s, &HashSet::new());
        assert_eq!(g.roots("s99999"), set(&["s0"]));
    }
}
