//! The lambdascope web app (placeholder until the app lands).
