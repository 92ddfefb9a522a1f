//! Where the boxes of the diagram go, and the curves messages travel along. Pure geometry over the
//! core's [`Topology`]: the core names the boxes, this module places them.
//!
//! Boxes sit in six columns that follow the flow left to right — callers, sources, the parts of
//! a source (stream shards, state-machine states), Lambda's side of the invocation (the event
//! queue, the event source mapping's pollers, EventBridge's target DLQ, node kinds added later),
//! the function, and where results end up (destinations, DLQs, the task-token worker).
//! A narrow container gets the same columns as rows, top to bottom, so 360 px stays readable.
//! New node kinds fall into Lambda's column until they are given a place.

use lambdascope_sim::topology::{NodeKind, Topology};
use lambdascope_sim::trace::NodeId;
use lambdascope_sim::SourceKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    /// Columns left to right (desktop).
    Wide,
    /// Rows top to bottom (phones, narrow embeds).
    Narrow,
}

/// Containers narrower than this (CSS px) get the narrow layout.
pub const NARROW_BELOW_PX: f64 = 640.0;

impl Orientation {
    pub fn for_width(px: f64) -> Orientation {
        if px > 0.0 && px < NARROW_BELOW_PX {
            Orientation::Narrow
        } else {
            Orientation::Wide
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}
impl Rect {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    pub fn contains(&self, p: Pt, pad: f64) -> bool {
        p.x > self.x - pad
            && p.x < self.x + self.w + pad
            && p.y > self.y - pad
            && p.y < self.y + self.h + pad
    }
}

/// A quadratic Bézier: the path of an edge or of a message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    pub p0: Pt,
    pub c: Pt,
    pub p1: Pt,
}
impl Curve {
    pub fn at(&self, t: f64) -> Pt {
        let t = t.clamp(0.0, 1.0);
        let u = 1.0 - t;
        Pt {
            x: u * u * self.p0.x + 2.0 * u * t * self.c.x + t * t * self.p1.x,
            y: u * u * self.p0.y + 2.0 * u * t * self.c.y + t * t * self.p1.y,
        }
    }
    pub fn svg_d(&self) -> String {
        format!(
            "M{:.1} {:.1}Q{:.1} {:.1} {:.1} {:.1}",
            self.p0.x, self.p0.y, self.c.x, self.c.y, self.p1.x, self.p1.y
        )
    }
}

/// Which side of an edge a message travels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Keep right of the line (requests and their answers pass each other).
    Normal,
    /// A wide arc: a failed event looping back to the queue to wait for its retry.
    Loop,
}

/// Number of columns.
pub const COLUMNS: usize = 6;
/// The function's column.
pub const FUNCTION_COLUMN: usize = 4;

/// Column (wide) or row (narrow) of a node.
pub fn column(kind: &NodeKind) -> usize {
    match kind {
        NodeKind::Caller { .. } => 0,
        NodeKind::Source { .. } => 1,
        NodeKind::Shard { .. } | NodeKind::State { .. } => 2,
        NodeKind::Function => FUNCTION_COLUMN,
        NodeKind::OnSuccess
        | NodeKind::OnFailure
        | NodeKind::DeadLetterQueue
        | NodeKind::QueueDlq { .. }
        | NodeKind::MappingOnFailure { .. }
        | NodeKind::TaskTokenWorker { .. } => 5,
        NodeKind::EventQueue
        | NodeKind::EventSourceMapping { .. }
        | NodeKind::DeliveryDlq { .. } => 3,
    }
}

/// Nominal box widths per column (wide layout).
const COL_W: [f64; COLUMNS] = [96.0, 150.0, 150.0, 176.0, 236.0, 150.0];
const MARGIN: f64 = 16.0;
const COL_GAP: f64 = 56.0;
const ROW_GAP: f64 = 18.0;

/// Whether a source's box shows the messages it holds (visible and in flight) under its name,
/// which needs a taller box.
pub fn holds_messages(kind: SourceKind) -> bool {
    match kind {
        SourceKind::Sqs => true,
        // A stream's records are drawn in its shard boxes; the others hold nothing.
        SourceKind::ApiGateway
        | SourceKind::Cloudfront
        | SourceKind::Custom
        | SourceKind::S3
        | SourceKind::EventBridge
        | SourceKind::Sns
        | SourceKind::DynamodbStreams
        | SourceKind::Kinesis
        | SourceKind::StepFunctions => false,
    }
}

/// Box height of a node: the function and the queue have insides to show.
fn box_h(kind: &NodeKind) -> f64 {
    match kind {
        NodeKind::Caller { .. } => 52.0,
        NodeKind::Source { kind, .. } if holds_messages(*kind) => 80.0,
        NodeKind::Source { .. } => 64.0,
        NodeKind::EventQueue => 150.0,
        NodeKind::EventSourceMapping { .. } => 104.0,
        NodeKind::Shard { .. } => 74.0,
        NodeKind::State { .. } => 50.0,
        NodeKind::TaskTokenWorker { .. } => 56.0,
        NodeKind::Function => 196.0,
        NodeKind::OnSuccess
        | NodeKind::OnFailure
        | NodeKind::DeadLetterQueue
        | NodeKind::DeliveryDlq { .. }
        | NodeKind::QueueDlq { .. }
        | NodeKind::MappingOnFailure { .. } => 74.0,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub orientation: Orientation,
    pub width: f64,
    pub height: f64,
    /// Indexed by `NodeId.0`.
    pub boxes: Vec<Rect>,
}

impl Layout {
    pub fn of(topo: &Topology, orientation: Orientation) -> Layout {
        match orientation {
            Orientation::Wide => wide(topo),
            Orientation::Narrow => narrow(topo),
        }
    }

    pub fn rect(&self, n: NodeId) -> Rect {
        self.boxes[n.0 as usize]
    }

    /// The curve a message from `from` to `to` follows: the edge's route, shifted into the
    /// right-hand lane so a request and its answer pass each other.
    pub fn curve(&self, from: NodeId, to: NodeId, lane: Lane) -> Curve {
        let (c, (nx, ny)) = self.route(from, to, lane);
        let d = 4.0;
        let shift = |p: Pt| Pt {
            x: p.x + nx * d,
            y: p.y + ny * d,
        };
        Curve {
            p0: shift(c.p0),
            c: shift(c.c),
            p1: shift(c.p1),
        }
    }

    /// The edge as drawn (the centre line, without lane offset).
    pub fn edge(&self, from: NodeId, to: NodeId) -> Curve {
        self.route(from, to, Lane::Normal).0
    }

    /// The centre line from `from` to `to` and its right-hand normal. Tries the facing sides
    /// first, then (for an edge with a box in the way) leaving and arriving under the boxes,
    /// then over them, bending the curve until it clears every other box.
    fn route(&self, from: NodeId, to: NodeId, lane: Lane) -> (Curve, (f64, f64)) {
        let (a, b) = (self.rect(from), self.rect(to));
        let bulge = match lane {
            Lane::Normal => 0.0,
            Lane::Loop => 56.0,
        };
        use Side::*;
        // Facing sides first; then ways around whatever is in between.
        let sides: &[(Side, Side)] = match self.orientation {
            Orientation::Wide => &[
                (Facing, Facing),
                (Bottom, Bottom),
                (Top, Top),
                (Right, Right),
                (Left, Left),
                (Bottom, Left),
                (Bottom, Right),
            ],
            Orientation::Narrow => &[
                (Facing, Facing),
                (Right, Right),
                (Left, Left),
                (Bottom, Bottom),
                (Top, Top),
                (Bottom, Left),
                (Bottom, Right),
            ],
        };
        let facing = anchors(a, b, self.orientation);
        let point = |r: Rect, side: Side, first: bool| match side {
            Facing => {
                if first {
                    facing.0
                } else {
                    facing.1
                }
            }
            Top => Pt { x: r.cx(), y: r.y },
            Bottom => Pt {
                x: r.cx(),
                y: r.y + r.h,
            },
            Left => Pt { x: r.x, y: r.cy() },
            Right => Pt {
                x: r.x + r.w,
                y: r.cy(),
            },
        };
        let pairs = sides
            .iter()
            .map(|(sa, sb)| (point(a, *sa, true), point(b, *sb, false)));
        let mut fallback = None;
        for (i, (p0, p1)) in pairs.enumerate() {
            if lane == Lane::Loop && i > 0 {
                break;
            }
            let (dx, dy) = (p1.x - p0.x, p1.y - p0.y);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            // Right-hand normal (y grows downward).
            let n = (-dy / len, dx / len);
            let mid = Pt {
                x: (p0.x + p1.x) / 2.0,
                y: (p0.y + p1.y) / 2.0,
            };
            let at = |d: f64| Pt {
                x: mid.x + n.0 * d,
                y: mid.y + n.1 * d,
            };
            if fallback.is_none() {
                fallback = Some((
                    Curve {
                        p0,
                        c: at(bulge),
                        p1,
                    },
                    n,
                ));
            }
            for k in 0..14 {
                for sign in [1.0, -1.0] {
                    let curve = Curve {
                        p0,
                        c: at(bulge + sign * 44.0 * k as f64),
                        p1,
                    };
                    if self.clear(&curve, from, to) {
                        return (curve, n);
                    }
                    if k == 0 {
                        break;
                    }
                }
            }
        }
        fallback.expect("at least one anchor pair")
    }

    fn clear(&self, curve: &Curve, from: NodeId, to: NodeId) -> bool {
        (1..24).all(|i| {
            let p = curve.at(i as f64 / 24.0);
            // Stay on the drawing.
            if p.x < 2.0 || p.y < 2.0 || p.x > self.width - 2.0 || p.y > self.height - 2.0 {
                return false;
            }
            self.boxes
                .iter()
                .enumerate()
                .all(|(j, r)| j == from.0 as usize || j == to.0 as usize || !r.contains(p, 6.0))
        })
    }
}

#[derive(Clone, Copy)]
enum Side {
    /// The sides that face each other along the flow.
    Facing,
    Top,
    Bottom,
    Left,
    Right,
}

fn anchors(a: Rect, b: Rect, o: Orientation) -> (Pt, Pt) {
    // Boxes in different columns (or lanes) face each other sideways; in one column, vertically.
    let _ = o;
    let horizontal = (b.cx() - a.cx()).abs() > 1.0;
    if horizontal {
        if b.cx() >= a.cx() {
            (
                Pt {
                    x: a.x + a.w,
                    y: a.cy(),
                },
                Pt { x: b.x, y: b.cy() },
            )
        } else {
            (
                Pt { x: a.x, y: a.cy() },
                Pt {
                    x: b.x + b.w,
                    y: b.cy(),
                },
            )
        }
    } else if b.cy() >= a.cy() {
        (
            Pt {
                x: a.cx(),
                y: a.y + a.h,
            },
            Pt { x: b.cx(), y: b.y },
        )
    } else {
        (
            Pt { x: a.cx(), y: a.y },
            Pt {
                x: b.cx(),
                y: b.y + b.h,
            },
        )
    }
}

/// Nodes per column, callers ordered like their sources.
fn columns(topo: &Topology) -> [Vec<NodeId>; COLUMNS] {
    let mut cols: [Vec<NodeId>; COLUMNS] = Default::default();
    for n in &topo.nodes {
        if !matches!(n.kind, NodeKind::Caller { .. }) {
            cols[column(&n.kind)].push(n.id);
        }
    }
    for (src, caller) in &topo.sources {
        let _ = src;
        if let Some(c) = caller {
            cols[0].push(*c);
        }
    }
    cols
}

fn wide(topo: &Topology) -> Layout {
    let cols = columns(topo);
    let mut boxes = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0
        };
        topo.nodes.len()
    ];
    let col_h = |c: &Vec<NodeId>| -> f64 {
        c.iter().map(|n| box_h(&topo.node(*n).kind)).sum::<f64>()
            + ROW_GAP * c.len().saturating_sub(1) as f64
    };
    // Sources and callers share rows; everything else is centred in its column.
    let content_h = cols.iter().map(col_h).fold(0.0, f64::max) + 2.0 * MARGIN;
    // An edge that skips a column (queue → DLQ past the function) is routed below the boxes.
    // Rank among the columns in use: skipping an empty column is no detour.
    let rank = |k: &NodeKind| cols[..column(k)].iter().filter(|c| !c.is_empty()).count();
    let skips = topo
        .edges
        .iter()
        .any(|(a, b)| rank(&topo.node(*a).kind).abs_diff(rank(&topo.node(*b).kind)) > 1);
    // Room above and below the boxes for edges that go around the function.
    let (above, below) = if skips { (40.0, 56.0) } else { (0.0, 0.0) };
    let height = content_h + above + below;
    let mut x = MARGIN;
    if !cols[0].is_empty() {
        x += COL_W[0] + COL_GAP;
    }
    for (ci, col) in cols.iter().enumerate().skip(1) {
        if col.is_empty() {
            continue;
        }
        let w = COL_W[ci];
        let mut y = above + (content_h - col_h(col)) / 2.0;
        for n in col {
            let h = box_h(&topo.node(*n).kind);
            boxes[n.0 as usize] = Rect { x, y, w, h };
            y += h + ROW_GAP;
        }
        x += w + COL_GAP;
    }
    // Callers beside their sources.
    for (src, caller) in &topo.sources {
        if let Some(c) = caller {
            let s = boxes[src.0 as usize];
            let h = box_h(&topo.node(*c).kind);
            boxes[c.0 as usize] = Rect {
                x: MARGIN,
                y: s.cy() - h / 2.0,
                w: COL_W[0],
                h,
            };
        }
    }
    Layout {
        orientation: Orientation::Wide,
        width: x - COL_GAP + MARGIN,
        height,
        boxes,
    }
}

const NARROW_W: f64 = 360.0;

/// Two lanes: the source side on the left (each caller above its source, each source's shards or
/// states below it), Lambda's side on the right (queue or mapping, function, results). Messages
/// then cross from lane to lane, and nothing has to pass through a box on a phone.
fn narrow(topo: &Topology) -> Layout {
    let cols = columns(topo);
    let mut boxes = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0
        };
        topo.nodes.len()
    ];
    let of_source = |k: &NodeKind| match k {
        NodeKind::Shard { of_source, .. } | NodeKind::State { of_source, .. } => Some(*of_source),
        _ => None,
    };
    let mut left: Vec<NodeId> = Vec::new();
    for (i, (src, caller)) in topo.sources.iter().enumerate() {
        left.extend(caller.iter().copied());
        left.push(*src);
        left.extend(
            cols[2]
                .iter()
                .filter(|n| of_source(&topo.node(**n).kind) == Some(i)),
        );
    }
    left.extend(
        cols[2]
            .iter()
            .filter(|n| of_source(&topo.node(**n).kind).is_none()),
    );
    let right: Vec<NodeId> = cols[3..].iter().flatten().copied().collect();
    let (gap_x, gap_y) = (30.0, 14.0);
    let lw = 148.0;
    let rw = NARROW_W - 2.0 * MARGIN - gap_x - lw;
    let lane_h = |lane: &[NodeId]| {
        lane.iter()
            .map(|n| narrow_h(&topo.node(*n).kind))
            .sum::<f64>()
            + gap_y * lane.len().saturating_sub(1) as f64
    };
    let height = lane_h(&left).max(lane_h(&right)) + 2.0 * MARGIN;
    for (lane, x, w) in [(&left, MARGIN, lw), (&right, MARGIN + lw + gap_x, rw)] {
        let mut y = (height - lane_h(lane)) / 2.0;
        for n in lane {
            let h = narrow_h(&topo.node(*n).kind);
            boxes[n.0 as usize] = Rect { x, y, w, h };
            y += h + gap_y;
        }
    }
    // The shorter lane has room to move. The source lane moves as one block (a caller stays
    // right above its source), to the mean level of what its boxes talk to; Lambda's lane box by
    // box, each level with its own partners.
    if lane_h(&left) < lane_h(&right) {
        shift_lane_toward_partners(topo, &left, &right, &mut boxes, height);
    } else {
        align_lane(topo, &right, &left, &mut boxes, height, gap_y);
    }
    Layout {
        orientation: Orientation::Narrow,
        width: NARROW_W,
        height,
        boxes,
    }
}

/// The boxes of `other` that `n` exchanges messages with (an edge either way; once per edge).
fn partners<'a>(
    topo: &'a Topology,
    n: NodeId,
    other: &'a [NodeId],
) -> impl Iterator<Item = NodeId> + 'a {
    topo.edges.iter().filter_map(move |&(a, b)| {
        let partner = if a == n {
            b
        } else if b == n {
            a
        } else {
            return None;
        };
        other.contains(&partner).then_some(partner)
    })
}

/// Shifts the whole of `lane` (keeping its order and spacing) so that its edges to `other` run
/// level on average, within the diagram. With one source and a tall Lambda side (S3, its queue,
/// the function, a DLQ), the source sat mid-diagram and its edge climbed to the queue.
fn shift_lane_toward_partners(
    topo: &Topology,
    lane: &[NodeId],
    other: &[NodeId],
    boxes: &mut [Rect],
    height: f64,
) {
    let pairs: Vec<(f64, f64)> = lane
        .iter()
        .flat_map(|n| {
            partners(topo, *n, other).map(|p| (boxes[n.0 as usize].cy(), boxes[p.0 as usize].cy()))
        })
        .collect();
    let (Some(first), Some(last)) = (lane.first(), lane.last()) else {
        return;
    };
    if pairs.is_empty() {
        return;
    }
    let wanted = pairs
        .iter()
        .map(|(mine, theirs)| theirs - mine)
        .sum::<f64>()
        / pairs.len() as f64;
    let (top, bottom) = (
        boxes[first.0 as usize].y,
        boxes[last.0 as usize].y + boxes[last.0 as usize].h,
    );
    let dy = wanted.clamp(MARGIN - top, height - MARGIN - bottom);
    for n in lane {
        boxes[n.0 as usize].y += dy;
    }
}

/// Moves each box of `lane` level with the boxes of `other` it exchanges messages with (the mean
/// of their centres), ordering the lane by that level and never letting boxes overlap or leave
/// the diagram. Stacked in topology order, the event queue sat at the top while its sources (S3,
/// SNS, EventBridge) sat lower down, so every asynchronous edge climbed across the synchronous
/// ones: a tangle on a phone (issue 11).
fn align_lane(
    topo: &Topology,
    lane: &[NodeId],
    other: &[NodeId],
    boxes: &mut [Rect],
    height: f64,
    gap: f64,
) {
    let mut wanted: Vec<(f64, NodeId)> = lane
        .iter()
        .map(|n| {
            let levels: Vec<f64> = partners(topo, *n, other)
                .map(|p| boxes[p.0 as usize].cy())
                .collect();
            let level = if levels.is_empty() {
                boxes[n.0 as usize].cy()
            } else {
                levels.iter().sum::<f64>() / levels.len() as f64
            };
            (level, *n)
        })
        .collect();
    // Levels are non-negative, so their bit patterns sort as the numbers do (and the program
    // keeps one numeric sort, `order::sort_by_u64_key`); ties keep the lane's order.
    lambdascope_sim::order::sort_by_u64_key(&mut wanted, |w| w.0.max(0.0).to_bits());
    // Down the lane: as close to its level as the box above allows.
    let mut floor = MARGIN;
    for (level, n) in &wanted {
        let r = &mut boxes[n.0 as usize];
        r.y = (level - r.h / 2.0).max(floor);
        floor = r.y + r.h + gap;
    }
    // Up the lane: nothing below the diagram's bottom margin.
    let mut ceiling = height - MARGIN;
    for (_, n) in wanted.iter().rev() {
        let r = &mut boxes[n.0 as usize];
        r.y = r.y.min(ceiling - r.h).max(MARGIN);
        ceiling = r.y - gap;
    }
}

fn narrow_h(kind: &NodeKind) -> f64 {
    match kind {
        NodeKind::Function => 170.0,
        NodeKind::EventQueue => 130.0,
        NodeKind::EventSourceMapping { .. } => 96.0,
        NodeKind::Caller { .. } => 54.0,
        NodeKind::Source { kind, .. } if holds_messages(*kind) => 80.0,
        NodeKind::State { .. } => 44.0,
        NodeKind::Shard { .. } => 74.0,
        NodeKind::Source { .. }
        | NodeKind::OnSuccess
        | NodeKind::OnFailure
        | NodeKind::DeadLetterQueue
        | NodeKind::DeliveryDlq { .. }
        | NodeKind::QueueDlq { .. }
        | NodeKind::MappingOnFailure { .. }
        | NodeKind::TaskTokenWorker { .. } => 64.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdascope_sim::Scenario;

    const MIXED: &str = r#"
format_version = 1
id = "mixed"
title = "Mixed"
[async]
dead_letter_queue = { kind = "sqs", name = "dlq" }
on_success = { kind = "sqs", name = "ok" }
[[sources]]
kind = "api_gateway"
id = "api"
[[sources]]
kind = "s3"
id = "up"
[[sources]]
kind = "event_bridge"
id = "bus"
dead_letter_queue = "eb-dlq"
"#;

    fn topo() -> Topology {
        Topology::of(&Scenario::parse("mixed.toml", MIXED).unwrap())
    }

    fn overlap(a: Rect, b: Rect) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn boxes_do_not_overlap_and_fit_in_both_orientations() {
        let t = topo();
        for o in [Orientation::Wide, Orientation::Narrow] {
            let l = Layout::of(&t, o);
            for (i, a) in l.boxes.iter().enumerate() {
                assert!(a.w > 40.0 && a.h > 30.0, "{o:?} box {i} too small: {a:?}");
                assert!(
                    a.x >= 0.0
                        && a.y >= 0.0
                        && a.x + a.w <= l.width + 0.01
                        && a.y + a.h <= l.height + 0.01,
                    "{o:?} box {i} outside: {a:?}"
                );
                for (j, b) in l.boxes.iter().enumerate().skip(i + 1) {
                    assert!(!overlap(*a, *b), "{o:?}: boxes {i} and {j} overlap");
                }
            }
        }
        assert_eq!(Layout::of(&t, Orientation::Narrow).width, 360.0);
    }

    #[test]
    fn flow_goes_left_to_right_and_each_lane_level_with_its_partners() {
        let t = topo();
        let f = t.function;
        let q = t.queue.unwrap();
        let dlq = t.dlq.unwrap();
        let (api, client) = (t.sources[0].0, t.sources[0].1.unwrap());
        let w = Layout::of(&t, Orientation::Wide);
        assert!(
            w.rect(client).x < w.rect(api).x
                && w.rect(api).x < w.rect(q).x
                && w.rect(q).x < w.rect(f).x
                && w.rect(f).x < w.rect(dlq).x
        );
        assert!(
            (w.rect(client).cy() - w.rect(api).cy()).abs() < 0.1,
            "a caller sits beside its source"
        );
        let n = Layout::of(&t, Orientation::Narrow);
        assert!(n.rect(client).y < n.rect(api).y && n.rect(api).x < n.rect(q).x);
    }

    /// Narrow (issue 11): messages cross the diagram rather than climb it. With many sources
    /// (the overview) each Lambda-side box sits level with the sources it hears from; with one
    /// source and a tall Lambda side, the source lane moves level with what it talks to.
    #[test]
    fn narrow_edges_run_across_not_up_and_down() {
        let bundled = |id: &str| crate::scenarios::by_id(id).unwrap().scenario;
        let t = Topology::of(&bundled("overview"));
        let n = Layout::of(&t, Orientation::Narrow);
        let q = n.rect(t.queue.unwrap());
        let asynchronous: Vec<Rect> = t
            .sources
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| {
                crate::catalog::node_method(&t, &t.node(*s).kind)
                    == Some(lambdascope_sim::Method::Asynchronous)
            })
            .map(|s| n.rect(s))
            .collect();
        assert!(asynchronous.len() >= 3);
        let (top, bottom) = (
            asynchronous[0].y,
            asynchronous.last().map(|r| r.y + r.h).unwrap(),
        );
        assert!(
            q.y < bottom && top < q.y + q.h,
            "{q:?} beside the asynchronous sources ({top}–{bottom})"
        );
        assert!(
            n.rect(t.function).cy() < q.cy(),
            "the function level with the synchronous callers, above"
        );

        let t = Topology::of(&bundled("async-retries-dlq"));
        let n = Layout::of(&t, Orientation::Narrow);
        let (s3, q) = (n.rect(t.sources[0].0), n.rect(t.queue.unwrap()));
        assert!(
            (s3.cy() - q.cy()).abs() < q.h,
            "S3 {s3:?} level with its queue {q:?}"
        );
    }

    #[test]
    fn an_edge_that_skips_the_function_column_goes_around_it() {
        let t = topo();
        let l = Layout::of(&t, Orientation::Wide);
        let c = l.edge(t.queue.unwrap(), t.dlq.unwrap());
        let f = l.rect(t.function);
        for i in 1..24 {
            assert!(
                !f.contains(c.at(i as f64 / 24.0), 0.0),
                "queue → DLQ crosses the function box"
            );
        }
    }

    #[test]
    fn no_edge_of_any_bundled_scenario_runs_through_a_box() {
        let mut bad = Vec::new();
        for b in crate::scenarios::bundled() {
            let t = Topology::of(&b.scenario);
            for o in [Orientation::Wide, Orientation::Narrow] {
                let l = Layout::of(&t, o);
                for (from, to) in &t.edges {
                    let c = l.edge(*from, *to);
                    for (j, r) in l.boxes.iter().enumerate() {
                        if j == from.0 as usize || j == to.0 as usize {
                            continue;
                        }
                        if (1..24).any(|i| r.contains(c.at(i as f64 / 24.0), -1.0)) {
                            bad.push(format!(
                                "{} {o:?}: {} → {} crosses {}",
                                b.file,
                                t.node(*from).key,
                                t.node(*to).key,
                                t.nodes[j].key
                            ));
                        }
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn messages_start_at_the_sender_and_end_at_the_receiver() {
        let t = topo();
        let l = Layout::of(&t, Orientation::Wide);
        let (api, f) = (t.sources[0].0, t.function);
        let go = l.curve(api, f, Lane::Normal);
        let back = l.curve(f, api, Lane::Normal);
        assert!(l.rect(api).contains(go.at(0.0), 6.0) && l.rect(f).contains(go.at(1.0), 6.0));
        assert!(l.rect(f).contains(back.at(0.0), 6.0) && l.rect(api).contains(back.at(1.0), 6.0));
        // Request and answer travel in different lanes.
        assert!((go.at(0.5).y - back.at(0.5).y).abs() >= 6.0);
        let looped = l.curve(f, t.queue.unwrap(), Lane::Loop);
        assert!(
            (looped.at(0.5).y - l.curve(f, t.queue.unwrap(), Lane::Normal).at(0.5).y).abs() > 20.0
        );
    }
}
