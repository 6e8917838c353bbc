//! Pages people see, rendered on the server: the hosted verification flow (`ui/flow`). Templates
//! live in `templates/`, texts in `locales/`, the stylesheet and the one script in `static/`,
//! all compiled into the binary. Every page answers through [`page::Page`], which sets the
//! strict CSP and the other security headers in one place.

pub mod assets;
pub mod console;
pub mod flow;
pub mod i18n;
pub mod page;

use crate::AppState;
use axum::{Router, routing::get};

/// The hosted flow's pages and (with `console`) the review console's.
pub fn router(console: bool) -> Router<AppState> {
    let pages = Router::new().route("/ui/static/{name}", get(assets::serve)).merge(flow::router());
    if console { pages.merge(console::router()) } else { pages }
}

/// The review console's pages and the assets they load, for its own listen address.
pub fn console_only() -> Router<AppState> {
    Router::new().route("/ui/static/{name}", get(assets::serve)).merge(console::router())
}
