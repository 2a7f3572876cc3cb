//! The desktop crate's tests: commands invoked through a mock-runtime app the way the UI
//! invokes them, against a real server. One test binary for the crate (each file a module):
//! every extra binary links Tauri and the server again, about 150 MB each on CI's disk.

mod common;

mod bindings;
mod built_in;
mod commands;
mod data_folder;
mod exports;
mod layers;
mod payment_commands;
mod webhook_commands;
