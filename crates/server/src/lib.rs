//! orgdesk-server
