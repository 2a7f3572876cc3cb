//! A fault-injecting loopback proxy between the app backend and the server. Every new
//! connection follows the current mode; changing the mode cuts the live ones.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Accept and close at once: the server is unreachable.
    Refuse,
    /// Wait this long before passing anything.
    Delay(Duration),
    /// Pass the request; pass part of the answer, then cut the connection.
    CutMidResponse,
    /// Pass the request (the server applies it), then drop the whole answer.
    DropResponse,
}

pub struct FaultProxy {
    addr: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    generation: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().unwrap();
        let fault = Arc::new(Mutex::new(Fault::None));
        let (generation, _) = watch::channel(0u64);
        let task = {
            let fault = fault.clone();
            let generation = generation.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    // Listen for cuts before reading the mode: a `set` between the two
                    // then either shows in the mode or cuts this connection.
                    let cut = generation.subscribe();
                    let mode = *fault.lock().unwrap();
                    tokio::spawn(relay(client, upstream, mode, cut));
                }
            })
        };
        Self {
            addr,
            fault,
            generation,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies to new connections; live ones are cut.
    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
        self.generation.send_modify(|g| *g += 1);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(
    mut client: TcpStream,
    upstream: SocketAddr,
    mode: Fault,
    cut: watch::Receiver<u64>,
) {
    if mode == Fault::Refuse {
        return;
    }
    if let Fault::Delay(d) = mode {
        tokio::time::sleep(d).await;
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    // Nothing read after a `set` is passed on, whenever this task next runs: a request the
    // test sends after `set(Refuse)` on a pooled connection must not reach the server, nor
    // an answer come back, though the cut below may be seen only a moment later.
    let stale = || cut.has_changed().unwrap_or(true);
    let (mut client_read, mut client_write) = client.split();
    let (mut server_read, mut server_write) = server.split();
    let requests = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if stale() || server_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let answers = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if stale() {
                return;
            }
            match mode {
                Fault::DropResponse => {
                    // The server has answered, so it applied the request: lose the answer.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    return;
                }
                Fault::CutMidResponse => {
                    let _ = client_write.write_all(&buf[..n.min(12)]).await;
                    return;
                }
                _ => {
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    let mut cut_seen = cut.clone();
    tokio::select! {
        _ = requests => {}
        _ = answers => {}
        _ = cut_seen.changed() => {}
    }
}
