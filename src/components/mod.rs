//! Yew function components. Each gets pieces of the core's `Scene` (or the session it came from)
//! as props and draws them; none of them decides anything about AWS.

pub mod app;
pub mod catalog_strip;
pub mod charts;
pub mod compare;
pub mod controls;
pub mod diagram;
pub mod glyph;
pub mod help;
pub mod import;
pub mod inject;
pub mod lesson;
pub mod log;
pub mod narrator;
pub mod nodes;
pub mod paced;
pub mod panel;
pub mod player;
pub mod question;
pub mod scaling;
pub mod scrubber;
pub mod share;
pub mod stage;
pub mod tokens;
pub mod tour;
pub mod transcript;

use std::ops::Deref;
use std::rc::Rc;

/// An `Rc` compared by identity: props that are recomputed per run or per frame compare in O(1).
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
impl<T> From<Rc<T>> for Shared<T> {
    fn from(r: Rc<T>) -> Self {
        Shared(r)
    }
}
