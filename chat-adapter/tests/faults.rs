//! Faults under load: a todo-chat instance killed mid-turn, its clients retrying each failed
//! turn with the same `client_message_id` on a second instance; the database going away and
//! coming back. Every turn runs exactly once.

mod support;

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{Value, json};
use support::{
    Api, Backend, Database, Service, mcp_bin, pg_url::PgUrl, postgres_url, proxy::Proxy,
    start_chat, unique_user,
};

/// Sends one turn until some instance answers 200; `first` is tried first, then `second`.
async fn until_answered(first: &Api, second: &Api, message: &str, id: &str) -> Value {
    let body = json!({ "message": message, "client_message_id": id });
    let started = Instant::now();
    let mut api = first;
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{id} never answered"
        );
        let sent = api
            .http
            .post(api.url("/chat"))
            .bearer_auth(&api.token)
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match sent {
            Ok(response) if response.status() == 200 => {
                return response.json().await.expect("JSON answer");
            }
            Ok(response) if matches!(response.status().as_u16(), 409 | 502 | 503 | 504) => {
                // 409: a dead attempt's claim, taken over once older than the deadline;
                // 5xx: the database or the task service is away for a moment.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(response) => panic!("{id}: {} {:?}", response.status(), response.text().await),
            Err(_) => api = second, // the instance is gone: retry elsewhere
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_instance_loses_and_repeats_no_turn() {
    const CLIENTS: usize = 6;
    let db = Database::new(Backend::Postgres);
    let mcp = Service::start(&mcp_bin(), &[], &[("DATABASE_URL", &db.url)]).await;
    let env = [
        ("OPENAI_MODEL", "local"),
        ("TODO_TURN_DEADLINE", "1s"),
        ("TODO_TURNS_PER_MINUTE", "100000"),
    ];
    let doomed = start_chat(&db.url, &mcp.url("/mcp"), &env).await;
    let survivor = start_chat(&db.url, &mcp.url("/mcp"), &env).await;
    let user = unique_user("crash");
    let (to_doomed, to_survivor) = (Api::new(&doomed, &user), Api::new(&survivor, &user));

    let load = load(
        CLIENTS,
        Duration::from_millis(2500),
        (&to_doomed, &to_survivor),
        "c",
    );
    let kill = async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        doomed.stop().await;
    };
    let (added, ()) = tokio::join!(load, kill);

    assert!(added.len() > CLIENTS * 3, "the load ran: {added:?}");
    assert_eq!(
        titles(&to_survivor).await,
        added,
        "every acknowledged turn added its task exactly once"
    );
}

/// `clients` clients sending turns back to back for `lasting`, each until answered (on
/// `instances.0`, else `instances.1`): the titles the answers say were added, sorted. (A turn
/// whose add_task met the database outage is answered too, saying the task was not added.)
async fn load(
    clients: usize,
    lasting: Duration,
    instances: (&Api, &Api),
    tag: &str,
) -> Vec<String> {
    let clients = (0..clients).map(|c| async move {
        let started = Instant::now();
        let mut added = Vec::new();
        let mut sent = 0;
        while started.elapsed() < lasting {
            let title = format!("client {c} item {sent}");
            let id = format!("{tag}{c}-{sent}");
            let answer = until_answered(
                instances.0,
                instances.1,
                &format!("add a task to {title}"),
                &id,
            )
            .await;
            let result = &answer["tool_calls"][0]["result"];
            if result["status"] == "created" {
                added.push(title);
            } else {
                assert!(result["error"].is_string(), "{id}: {answer}");
            }
            sent += 1;
        }
        added
    });
    let mut added: Vec<String> = join_all(clients).await.concat();
    added.sort();
    added
}

/// Every task's title, sorted.
async fn titles(api: &Api) -> Vec<String> {
    let mut titles: Vec<String> = api
        .tasks_paged()
        .await
        .iter()
        .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    titles.sort();
    titles
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_loses_and_repeats_no_turn() {
    const CLIENTS: usize = 4;
    let real = PgUrl::parse(&postgres_url());
    let proxy = Proxy::start(real.addr).await;
    let url = real.with_addr(proxy.addr);
    let mcp = Service::start(&mcp_bin(), &[], &[("DATABASE_URL", &url)]).await;
    let env = [
        ("OPENAI_MODEL", "local"),
        ("TODO_TURN_DEADLINE", "1s"),
        ("TODO_TURNS_PER_MINUTE", "100000"),
    ];
    let chat = start_chat(&url, &mcp.url("/mcp"), &env).await;
    let api = Api::new(&chat, &unique_user("outage"));
    let http = reqwest::Client::new();

    let load = load(CLIENTS, Duration::from_secs(4), (&api, &api), "o");
    let outage = async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        proxy.cut();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let asked = Instant::now();
        let ready = http.get(chat.url("/readyz")).send().await.unwrap();
        let answered_in = asked.elapsed();
        assert_eq!(ready.status(), 503, "not ready while the database is away");
        let cause = ready.text().await.unwrap();
        assert!(cause.contains("database"), "{cause}");
        tokio::time::sleep(Duration::from_millis(1200)).await;
        proxy.restore().await;
        let restored = Instant::now();
        let probe = Api::new(&chat, &unique_user("outage-probe"));
        loop {
            let (status, _) = probe.try_chat("add a task to check recovery", None).await;
            if status == 200 {
                break;
            }
            assert!(
                restored.elapsed() < Duration::from_secs(10),
                "turns never recovered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (answered_in, restored.elapsed())
    };
    let (added, (readyz_in, recovered_in)) = tokio::join!(load, outage);
    eprintln!(
        "readyz answered in {readyz_in:?} during the outage; turns recovered {recovered_in:?} after"
    );
    assert!(
        readyz_in < Duration::from_secs(1),
        "readyz answers promptly: {readyz_in:?}"
    );

    assert_eq!(
        titles(&api).await,
        added,
        "every acknowledged turn exactly once"
    );
}

/// A keyed `add_task` that meets an outage of the task database is not answered as "not
/// added": the turn answers 503 and stays retryable, and the client's retry (same id) runs it
/// once the database is back. (Answered, the outage would be the message's answer for good,
/// even where an earlier attempt had added the task.)
#[tokio::test]
async fn a_keyed_call_that_meets_a_database_outage_is_retried_not_answered() {
    let real = PgUrl::parse(&postgres_url());
    let proxy = Proxy::start(real.addr).await;
    // Only todo-mcp loses its database; todo-chat keeps its own, to record the turn.
    let mcp = Service::start(
        &mcp_bin(),
        &[],
        &[("DATABASE_URL", &real.with_addr(proxy.addr))],
    )
    .await;
    let chat = start_chat(
        &postgres_url(),
        &mcp.url("/mcp"),
        &[("OPENAI_MODEL", "local")],
    )
    .await;
    let api = Api::new(&chat, &unique_user("keyed-outage"));
    let send = || api.chat_with_id("add a task to buy stamps", "k1", None);
    proxy.cut();
    let (status, failed, retry_after) = send().await;
    assert_eq!(status, 503, "{failed}");
    assert!(retry_after.is_some(), "says when to retry");
    assert!(
        failed["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("task database"),
        "{failed}"
    );
    proxy.restore().await;
    let (status, answered, _) = send().await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(
        answered["tool_calls"][0]["result"]["status"], "created",
        "{answered}"
    );
    assert_eq!(titles(&api).await, ["buy stamps"]);
    // The answer is now the message's for good: a third send replays it.
    let (status, again, _) = send().await;
    assert_eq!((status, &again), (200, &answered));
    assert_eq!(titles(&api).await, ["buy stamps"]);
}
