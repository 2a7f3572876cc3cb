//! A real DNS server on loopback for the tests: hickory-server answering UDP and TCP on
//! `127.0.0.1:<free port>` from a table the test changes between lookups (TXT values per
//! name, a name without TXT records, a name whose lookups fail with SERVFAIL; any other
//! name is NXDOMAIN). Point the server under test at it with `--dns-resolver`
//! (`Config::dns_resolver`). Nothing leaves loopback.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_server::proto::rr::rdata::TXT;
use hickory_server::proto::rr::{Name, RData, Record, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

/// What the server says about one name.
#[derive(Debug, Clone)]
pub enum Answer {
    /// TXT records, one per value.
    Txt(Vec<String>),
    /// The name exists, with no TXT record (NOERROR, no answers).
    NoTxt,
    /// SERVFAIL: no definitive answer.
    ServFail,
}

/// The table of answers; clone it to change it while the server runs.
#[derive(Debug, Clone, Default)]
pub struct Zone(Arc<Mutex<HashMap<String, Answer>>>);

impl Zone {
    pub fn set(&self, name: &str, answer: Answer) {
        self.0
            .lock()
            .unwrap()
            .insert(name.trim_end_matches('.').to_ascii_lowercase(), answer);
    }

    /// Publishes TXT values at `name`.
    pub fn publish(&self, name: &str, values: &[&str]) {
        self.set(
            name,
            Answer::Txt(values.iter().map(|v| (*v).to_owned()).collect()),
        );
    }

    /// Takes `name` away (NXDOMAIN from now on).
    pub fn remove(&self, name: &str) {
        self.0
            .lock()
            .unwrap()
            .remove(&name.trim_end_matches('.').to_ascii_lowercase());
    }

    fn get(&self, name: &str) -> Option<Answer> {
        self.0.lock().unwrap().get(name).cloned()
    }
}

/// The running server; stops when dropped.
pub struct DnsServer {
    pub addr: SocketAddr,
    pub zone: Zone,
    server: Server<Handler>,
}

impl DnsServer {
    pub async fn start() -> Self {
        let zone = Zone::default();
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("bind dns udp");
        let addr = udp.local_addr().unwrap();
        let tcp = TcpListener::bind(addr).await.expect("bind dns tcp");
        let mut server = Server::new(Handler(zone.clone()));
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        Self { addr, zone, server }
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.server.shutdown_token().cancel();
    }
}

struct Handler(Zone);

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.authoritative = true;
        let failed = ResponseInfo::from(Header {
            metadata,
            counts: HeaderCounts::default(),
        });
        let Ok(info) = request.request_info() else {
            return failed;
        };
        let asked = info.query.name().to_string();
        let name = asked.trim_end_matches('.').to_ascii_lowercase();
        let builder = MessageResponseBuilder::from_message_request(request);
        let sent = match self.0.get(&name) {
            None => {
                metadata.response_code = ResponseCode::NXDomain;
                response_handle
                    .send_response(builder.build_no_records(metadata))
                    .await
            }
            Some(Answer::ServFail) => {
                response_handle
                    .send_response(builder.error_msg(&request.metadata, ResponseCode::ServFail))
                    .await
            }
            Some(Answer::Txt(values)) if info.query.query_type() == RecordType::TXT => {
                let owner = Name::from(info.query.name().clone());
                let records: Vec<Record> = values
                    .into_iter()
                    .map(|v| Record::from_rdata(owner.clone(), 0, RData::TXT(TXT::new(vec![v]))))
                    .collect();
                response_handle
                    .send_response(builder.build(
                        metadata,
                        records.iter(),
                        std::iter::empty(),
                        std::iter::empty(),
                        std::iter::empty(),
                    ))
                    .await
            }
            Some(_) => {
                response_handle
                    .send_response(builder.build_no_records(metadata))
                    .await
            }
        };
        sent.unwrap_or(failed)
    }
}
