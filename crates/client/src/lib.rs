//! orgdesk-client
