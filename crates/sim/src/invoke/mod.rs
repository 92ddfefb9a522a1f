//! The invocation models, one file each: [`sync`] (request–response) and [`asynchronous`]
//! (Lambda's internal event queue).

pub mod asynchronous;
pub mod sync;
