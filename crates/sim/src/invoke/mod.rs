//! The invocation models, one file each: [`sync`] (request–response), [`asynchronous`]
//! (Lambda's internal event queue) and [`polling`] (event source mappings).

pub mod asynchronous;
pub mod polling;
pub mod sync;
