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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ui/static/{name}", get(assets::serve))
        .merge(flow::router())
        .merge(console::router())
}
