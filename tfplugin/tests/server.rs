//! End-to-end tests: a test provider served over the unix socket with
//! AutoMTLS, driven by a real gRPC client.

mod common;

use common::*;
use std::time::Duration;
use tfplugin::codec::{decode_msgpack, encode_msgpack};
use tfplugin::*;
use tfplugin_proto::plugin;
use tfplugin_proto::tfplugin6 as pb;

fn dv(v: &Value, t: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode_msgpack(v, t).unwrap(),
        json: vec![],
    })
}

fn thing(name: Value) -> Value {
    Value::object([("name", name)])
}

async fn shutdown(served: Served) {
    let mut c = controller(&served).await;
    c.shutdown(plugin::Empty {}).await.expect("shutdown rpc");
    let r = tokio::time::timeout(Duration::from_secs(10), served.task)
        .await
        .expect("server exits after Shutdown")
        .expect("join");
    assert!(r.is_ok(), "{r:?}");
    assert!(!served.socket.exists(), "socket removed");
    assert!(
        !served.socket.parent().unwrap().exists(),
        "socket directory removed"
    );
}

#[tokio::test]
async fn handshake_schema_and_metadata() {
    let served = start().await;
    assert!(
        served.line.contains("/plugin.sock|grpc|"),
        "{}",
        served.line
    );
    let mut c = good_client(&served).await;
    let s = c
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(s.diagnostics.is_empty());
    let thing = &s.resource_schemas["test_thing"];
    assert_eq!(thing.version, 1);
    let names: Vec<_> = thing
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["name", "blob", "greeting", "token", "nodes"]);
    assert!(s.data_source_schemas.contains_key("test_echo"));
    let f = &s.functions["upper"];
    assert_eq!(f.summary, "Upper-case a string");
    assert_eq!(f.r#return.as_ref().unwrap().r#type, b"\"string\"");
    assert!(!s.server_capabilities.unwrap().plan_destroy);
    assert!(thing.block.as_ref().unwrap().attributes[3].write_only);
    let m = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.resources[0].type_name, "test_thing");
    assert_eq!(m.functions[0].name, "upper");
    // identity: none; ephemeral: unknown type diagnostics
    let ids = c
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(ids.identity_schemas.is_empty());
    let e = c
        .upgrade_resource_identity(pb::upgrade_resource_identity::Request::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unimplemented);
    shutdown(served).await;
}

#[tokio::test]
async fn plan_apply_read_round_trip() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();

    // known name: greeting computed at plan
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &thing(Value::from("world")),
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let planned = decode_msgpack(&r.planned_state.unwrap().msgpack, &t).unwrap();
    assert_eq!(planned.attr("greeting"), Some(&Value::from("hello world")));
    assert_eq!(r.planned_private, b"from-plan");

    // write-only attributes never come back in the plan
    let with_token = Value::object([("name", Value::from("w")), ("token", Value::from("secret"))]);
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &with_token,
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    let p = decode_msgpack(&r.planned_state.unwrap().msgpack, &t).unwrap();
    assert_eq!(p.attr("token"), Some(&Value::Null));
    assert_eq!(p.attr("greeting"), Some(&Value::from("hello w")));

    // unknown name: greeting unknown
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &thing(Value::unknown()),
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    let planned_unknown = decode_msgpack(&r.planned_state.unwrap().msgpack, &t).unwrap();
    assert!(planned_unknown.attr("greeting").unwrap().is_unknown());
    assert!(planned_unknown.attr("name").unwrap().is_unknown());

    // apply (default: planned becomes new state)
    let r = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&Value::Null, &t),
            planned_state: dv(&planned, &t),
            config: dv(&thing(Value::from("world")), &t),
            planned_private: b"from-plan".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        decode_msgpack(&r.new_state.unwrap().msgpack, &t).unwrap(),
        planned
    );
    assert_eq!(r.private, b"from-plan");

    // apply with unknowns left: default apply refuses
    let r = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&Value::Null, &t),
            planned_state: dv(&planned_unknown, &t),
            config: dv(&thing(Value::from("x")), &t),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Planned state has unknown values");

    // read (default: unchanged)
    let r = c
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&planned, &t),
            private: b"p".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        decode_msgpack(&r.new_state.unwrap().msgpack, &t).unwrap(),
        planned
    );
    assert_eq!(r.private, b"p");

    // import (default: not importable)
    let r = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Resource not importable");

    // unknown type
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "nope",
            &Value::Null,
            &Value::Null,
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].summary, "Unknown resource type");
    shutdown(served).await;
}

trait PlanReq {
    fn default_request(
        ty: &str,
        prior: &Value,
        proposed: &Value,
        t: &Type,
    ) -> pb::plan_resource_change::Request;
}

impl PlanReq for pb::PlanResourceChange {
    fn default_request(
        ty: &str,
        prior: &Value,
        proposed: &Value,
        t: &Type,
    ) -> pb::plan_resource_change::Request {
        pb::plan_resource_change::Request {
            type_name: ty.into(),
            prior_state: dv(prior, t),
            proposed_new_state: dv(proposed, t),
            config: dv(proposed, t),
            ..Default::default()
        }
    }
}

#[tokio::test]
async fn validation_diagnostics_carry_paths() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();
    let cfg = Value::object([
        ("name", Value::from("n")),
        (
            "nodes",
            Value::List(vec![
                Value::object([("address", Value::from("10.0.0.1/24"))]),
                Value::object([("address", Value::from("10.0.0.2"))]),
            ]),
        ),
    ]);
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: dv(&cfg, &t),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    let path = AttributePath::from(r.diagnostics[0].attribute.as_ref().unwrap());
    assert_eq!(path.to_string(), ".nodes[1].address");

    // a config that does not match the schema: error with the path
    let bad = br#"{"name":"n","nodes":[{"address":[]}]}"#;
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: Some(pb::DynamicValue {
                msgpack: vec![],
                json: bad.to_vec(),
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(
        AttributePath::from(r.diagnostics[0].attribute.as_ref().unwrap()).to_string(),
        ".nodes[0].address"
    );
    shutdown(served).await;
}

#[tokio::test]
async fn upgrade_state_from_old_version_and_current() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();
    let r = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: "test_thing".into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: br#"{"title":"old","greeting":"hello old"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let v = decode_msgpack(&r.upgraded_state.unwrap().msgpack, &t).unwrap();
    assert_eq!(v.attr("name"), Some(&Value::from("old")));
    assert_eq!(v.attr("greeting"), Some(&Value::from("hello old")));
    assert_eq!(v.attr("blob"), Some(&Value::Null));

    // current version: decoded directly (removed attributes dropped)
    let r = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: "test_thing".into(),
            version: 1,
            raw_state: Some(pb::RawState {
                json: br#"{"name":"n","greeting":"g","gone":true}"#.to_vec(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let v = decode_msgpack(&r.upgraded_state.unwrap().msgpack, &t).unwrap();
    assert_eq!(v.attr("name"), Some(&Value::from("n")));

    // newer version than we know: clear error
    let r = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: "test_thing".into(),
            version: 7,
            raw_state: Some(pb::RawState {
                json: b"{}".to_vec(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.diagnostics[0].summary,
        "State written by a newer provider"
    );
    shutdown(served).await;
}

#[tokio::test]
async fn panic_becomes_diagnostic_without_backtrace() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &thing(Value::from("panic")),
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(
        d.summary,
        "internal error in PlanResourceChange: boom at plan"
    );
    assert!(
        !d.detail.contains("backtrace") && !d.detail.contains("stack"),
        "{}",
        d.detail
    );
    // the server keeps serving
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &thing(Value::from("ok")),
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    shutdown(served).await;
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let mut c2 = c.clone();
    let t = thing_schema().value_type();
    let started = std::time::Instant::now();
    let slow = tokio::spawn(async move {
        c2.plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &thing(Value::from("slow")),
            &t,
        ))
        .await
        .unwrap()
        .into_inner()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!slow.is_finished());
    let r = c
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.is_empty());
    let r = tokio::time::timeout(Duration::from_secs(5), slow)
        .await
        .expect("cancelled in time")
        .unwrap();
    assert_eq!(r.diagnostics[0].summary, "Cancelled");
    assert!(started.elapsed() < Duration::from_secs(10));
    shutdown(served).await;
}

#[tokio::test]
async fn refuses_clients_without_or_with_another_certificate() {
    let served = start().await;
    // no client certificate
    let refused = match connect(&served, None).await {
        Err(_) => true,
        Ok(ch) => pb::provider_client::ProviderClient::new(ch)
            .get_metadata(pb::get_metadata::Request {})
            .await
            .is_err(),
    };
    assert!(refused, "client without certificate was served");
    // another certificate
    let other = client_identity();
    let refused = match connect(&served, Some((&other.cert, &other.key))).await {
        Err(_) => true,
        Ok(ch) => pb::provider_client::ProviderClient::new(ch)
            .get_metadata(pb::get_metadata::Request {})
            .await
            .is_err(),
    };
    assert!(refused, "client with another certificate was served");
    // the announced certificate still works
    let mut c = good_client(&served).await;
    c.get_metadata(pb::get_metadata::Request {}).await.unwrap();
    shutdown(served).await;
}

#[tokio::test]
async fn large_messages_pass_both_ways() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();
    let blob = "x".repeat(20 << 20); // 20 MiB, far above tonic's 4 MiB default
    let v = Value::object([
        ("name", Value::from("big")),
        ("blob", Value::from(blob.as_str())),
    ]);
    let r = c
        .plan_resource_change(pb::PlanResourceChange::default_request(
            "test_thing",
            &Value::Null,
            &v,
            &t,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    let planned = decode_msgpack(&r.planned_state.unwrap().msgpack, &t).unwrap();
    assert_eq!(
        planned.attr("blob").and_then(Value::as_str).map(str::len),
        Some(20 << 20)
    );
    shutdown(served).await;
}

#[tokio::test]
async fn data_source_configure_and_functions() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let pt = Type::object([("prefix", Type::String)]);
    let r = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".into(),
            config: dv(&Value::object([("prefix", Value::from(">"))]), &pt),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    let dt = Type::object([("input", Type::String), ("output", Type::String)]);
    let r = c
        .read_data_source(pb::read_data_source::Request {
            type_name: "test_echo".into(),
            config: dv(&Value::object([("input", Value::from("hi"))]), &dt),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let v = decode_msgpack(&r.state.unwrap().msgpack, &dt).unwrap();
    assert_eq!(v.attr("output"), Some(&Value::from(">hi")));

    let f = c
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(f.functions.contains_key("upper"));
    let r = c
        .call_function(pb::call_function::Request {
            name: "upper".into(),
            arguments: vec![dv(&Value::from("abc"), &Type::String).unwrap()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        decode_msgpack(&r.result.unwrap().msgpack, &Type::String).unwrap(),
        Value::from("ABC")
    );
    let r = c
        .call_function(pb::call_function::Request {
            name: "upper".into(),
            arguments: vec![dv(&Value::from(""), &Type::String).unwrap()],
        })
        .await
        .unwrap()
        .into_inner();
    let e = r.error.unwrap();
    assert_eq!(
        (e.text.as_str(), e.function_argument),
        ("empty string", Some(0))
    );
    let r = c
        .call_function(pb::call_function::Request {
            name: "upper".into(),
            arguments: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.unwrap().text.contains("not enough arguments"));
    shutdown(served).await;
}

#[tokio::test]
async fn stdio_stream_stays_open_until_shutdown() {
    let served = start().await;
    let mut s = stdio(&served).await;
    let mut stream = s.stream_stdio(()).await.unwrap().into_inner();
    let next = tokio::time::timeout(Duration::from_millis(300), stream.message()).await;
    assert!(next.is_err(), "stream should stay open and quiet");
    let mut c = controller(&served).await;
    c.shutdown(plugin::Empty {}).await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), stream.message())
        .await
        .expect("stream ends at shutdown");
    assert!(matches!(end, Ok(None) | Err(_)));
    let r = tokio::time::timeout(Duration::from_secs(10), served.task)
        .await
        .unwrap()
        .unwrap();
    assert!(r.is_ok());
}

#[tokio::test]
async fn protocol_negotiation_and_missing_cert() {
    let mut opts = ServeOptions::default();
    opts.install_logger = false;
    opts.require_magic_cookie = false;
    opts.protocol_versions = Some("5".into());
    opts.client_cert_pem = Some(client_identity().pem);
    let e = serve_with(TestProvider, opts).await.unwrap_err();
    assert!(matches!(e, ServeError::UnsupportedProtocol { .. }), "{e}");
    assert!(e.to_string().contains("protocol 6 only"));

    let mut opts = ServeOptions::default();
    opts.install_logger = false;
    opts.require_magic_cookie = false;
    opts.protocol_versions = Some("6".into());
    opts.client_cert_pem = Some("not a pem".into());
    let e = serve_with(TestProvider, opts).await.unwrap_err();
    assert!(matches!(e, ServeError::ClientCertificate(_)), "{e}");
}

struct BrokenProvider;

#[async_trait]
impl Provider for BrokenProvider {
    fn schema(&self) -> Schema {
        panic!("schema exploded")
    }
    fn resources(&self) -> Vec<std::sync::Arc<dyn Resource>> {
        vec![]
    }
}

#[tokio::test]
async fn provider_setup_panic_is_an_error() {
    let mut opts = ServeOptions::default();
    opts.install_logger = false;
    opts.require_magic_cookie = false;
    opts.protocol_versions = Some("6".into());
    opts.client_cert_pem = Some(client_identity().pem);
    let e = serve_with(BrokenProvider, opts).await.unwrap_err();
    assert!(matches!(e, ServeError::Provider(_)), "{e}");
    assert!(e.to_string().contains("schema exploded"), "{e}");
}

#[tokio::test]
async fn deferral_only_when_allowed_and_move_unsupported() {
    let served = start().await;
    let mut c = good_client(&served).await;
    let t = thing_schema().value_type();
    let proposed = Value::object([("name", Value::from("defer"))]);
    let req = |caps: Option<pb::ClientCapabilities>| pb::plan_resource_change::Request {
        type_name: "test_thing".into(),
        prior_state: dv(&Value::Null, &t),
        proposed_new_state: dv(&proposed, &t),
        config: dv(&proposed, &t),
        client_capabilities: caps,
        ..Default::default()
    };

    // not allowed: dropped, with an error naming the RPC
    let r = c
        .plan_resource_change(req(None))
        .await
        .unwrap()
        .into_inner();
    assert!(r.deferred.is_none());
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(
        r.diagnostics[0].summary,
        "PlanResourceChange: deferral not allowed"
    );

    // allowed: passed on with its reason
    let caps = pb::ClientCapabilities {
        deferral_allowed: true,
        ..Default::default()
    };
    let r = c
        .plan_resource_change(req(Some(caps)))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        r.deferred.unwrap().reason,
        pb::deferred::Reason::AbsentPrereq as i32
    );

    // MoveResourceState: an error diagnostic, no state
    let r = c
        .move_resource_state(pb::move_resource_state::Request {
            source_provider_address: "registry.terraform.io/other/old".into(),
            source_type_name: "old_thing".into(),
            target_type_name: "test_thing".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.target_state.is_none());
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].summary, "Move not supported");
    assert_eq!(
        r.diagnostics[0].severity,
        pb::diagnostic::Severity::Error as i32
    );

    shutdown(served).await;
}

#[tokio::test]
async fn stalled_connection_does_not_block_others() {
    let served = start().await;
    // A peer that connects and never starts TLS (its handshake would time out
    // after TLS_HANDSHAKE_TIMEOUT) must not hold up the accept loop.
    let stalled = tokio::net::UnixStream::connect(&served.socket)
        .await
        .expect("raw connect");
    let mut c = tokio::time::timeout(Duration::from_secs(5), good_client(&served))
        .await
        .expect("good client connects while another handshake is pending");
    let r = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    assert!(TLS_HANDSHAKE_TIMEOUT >= Duration::from_secs(1));
    drop(stalled);
    shutdown(served).await;
}

#[tokio::test]
async fn socket_path_longer_than_the_limit_is_an_error() {
    let base = std::env::temp_dir().join(format!("tfplugin-long-{}", std::process::id()));
    // private dir name + "/plugin.sock" pushes this past MAX_SOCKET_PATH
    let long = base.join("d".repeat(MAX_SOCKET_PATH.saturating_sub(base.as_os_str().len())));
    std::fs::create_dir_all(&long).unwrap();
    let client = client_identity();
    let mut opts = ServeOptions::default();
    opts.install_logger = false;
    opts.require_magic_cookie = false;
    opts.client_cert_pem = Some(client.pem.clone());
    opts.protocol_versions = Some("6".into());
    opts.socket_parent = Some(long.clone());
    let r = tokio::time::timeout(Duration::from_secs(20), serve_with(TestProvider, opts))
        .await
        .expect("returns promptly");
    let e = r.expect_err("too long a socket path is refused");
    assert!(e.to_string().contains("longer than 107 bytes"), "{e}");
    // nothing is left behind in the parent
    assert_eq!(std::fs::read_dir(&long).unwrap().count(), 0);
    std::fs::remove_dir_all(&base).unwrap();
}
