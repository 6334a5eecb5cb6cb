//! Order-preserving parallel map over a slice, for independent CPU-bound steps of a render
//! (parsing rendered documents). Items are split into contiguous runs of about equal weight,
//! one per thread; with one CPU, few items, or when a thread cannot be started, the map
//! runs on the calling thread. A panic in a worker resumes on the caller.

/// At most this many threads per call (the caller's included).
const MAX_THREADS: usize = 4;

/// Below this total weight (bytes of input, typically) starting threads costs more than it
/// saves.
const MIN_WEIGHT: usize = 32 * 1024;

/// CPUs this process may use, asked once (the question reads cgroup files on Linux).
fn cpus() -> usize {
    static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.iter().map(f).collect()`, computed on up to [`MAX_THREADS`] threads; `weight`
/// estimates an item's cost.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let total: usize = items.iter().map(&weight).sum();
    if total < MIN_WEIGHT {
        return items.iter().map(f).collect();
    }
    let threads = cpus().min(MAX_THREADS).min(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    // Contiguous runs of about total / threads weight each.
    let mut bounds = vec![0];
    let mut acc = 0;
    for (i, item) in items.iter().enumerate() {
        acc += weight(item);
        if acc * threads >= total * bounds.len() && bounds.len() < threads {
            bounds.push(i + 1);
        }
    }
    if *bounds.last().unwrap_or(&0) != items.len() {
        bounds.push(items.len());
    }
    let runs: Vec<&[T]> = bounds.windows(2).map(|w| &items[w[0]..w[1]]).collect();
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = runs[1..]
            .iter()
            .map(|run| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || run.iter().map(f).collect::<Vec<R>>())
                    .map_err(|_| *run)
            })
            .collect();
        let mut out: Vec<R> = runs[0].iter().map(f).collect();
        for w in workers {
            match w {
                Ok(h) => out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
                Err(run) => out.extend(run.iter().map(f)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_results() {
        for n in [0usize, 1, 2, 3, 7, 100, 1000] {
            let items: Vec<usize> = (0..n).collect();
            // Uneven weights: the heavy items at the front.
            let got = map(&items, |&i| if i < 3 { 40_000 } else { 100 }, |&i| i * i);
            let want: Vec<usize> = items.iter().map(|&i| i * i).collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn runs_on_other_threads_when_heavy() {
        let main = std::thread::current().id();
        let items: Vec<usize> = (0..64).collect();
        let ids = map(&items, |_| 4096, |_| std::thread::current().id());
        let others = ids.iter().filter(|&&id| id != main).count();
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert!(others > 0, "no item ran on a worker");
        } else {
            assert_eq!(others, 0);
        }
    }

    #[test]
    fn worker_panic_reaches_the_caller() {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            eprintln!("SKIPPED: one CPU, so no worker thread starts");
            return;
        }
        let items: Vec<usize> = (0..64).collect();
        let r = std::panic::catch_unwind(|| {
            map(
                &items,
                |_| 4096,
                |&i| {
                    assert!(i != 63, "boom");
                    i
                },
            )
        });
        assert!(r.is_err());
    }
}
