//! Social Return on Investment: the value of a program's outcomes in money, over the money put in.
//!
//! Follows *A Guide to Social Return on Investment* (Social Value UK, 2012). For each valued
//! outcome (a node with an `sroi` valuation):
//!
//! - impact in year 1 = quantity × proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution)
//! - value in year t = impact × (1 − drop-off)^(t−1), for t = 1 … duration
//! - present value = Σ_t value_t / (1 + r)^t, with r the discount rate
//!
//! The SROI ratio is the total present value over the investment (the program's expected costs,
//! spent at the start and so not discounted). The quantity is the expected annual change the
//! program's initiatives cause in the node, from the model's exact expectations, unless stated
//! by hand; the model's changes are already net of deadweight.
//!
//! The arithmetic here takes the expected changes and the proxy quantiles from the caller, so the
//! view stays free of the simulation engine.

use model::display::pct;
use model::graph::ModelGraph;
use model::{Distribution, Model, SroiSettings};
use serde::Serialize;

/// One valued outcome of a program.
#[derive(Clone, Debug, Serialize)]
pub struct SroiOutcome {
    /// Node id.
    pub id: String,
    /// Node name.
    pub name: String,
    /// Who experiences it: the valuation's stakeholder, or the node's audiences.
    pub stakeholders: Vec<String>,
    /// Units a year.
    pub quantity: f64,
    /// `model` (the change the program's initiatives cause) or `stated`.
    pub quantity_from: &'static str,
    /// The node's unit.
    pub unit: Option<String>,
    /// Mean financial proxy per unit and year.
    pub proxy: f64,
    /// 5th percentile of the proxy.
    pub proxy_low: f64,
    /// 95th percentile of the proxy.
    pub proxy_high: f64,
    /// Where the proxy comes from.
    pub proxy_source: Option<String>,
    /// Years the outcome lasts.
    pub duration: u32,
    /// Share that would have happened anyway.
    pub deadweight: f64,
    /// Share displacing value elsewhere.
    pub displacement: f64,
    /// Share owed to others.
    pub attribution: f64,
    /// Share lost each year after the first.
    pub drop_off: f64,
    /// Value in the first year, net of deadweight, displacement and attribution.
    pub impact: f64,
    /// Value in each year, before discounting.
    pub yearly: Vec<f64>,
    /// Present value.
    pub present_value: f64,
}

/// How the ratio moves when one input moves.
#[derive(Clone, Debug, Serialize)]
pub struct SensitivityRow {
    /// The input and how it is moved.
    pub input: String,
    /// The ratio with the input at its low setting.
    pub low: f64,
    /// The ratio with the input at its high setting.
    pub high: f64,
    /// The value of the input at which the ratio is exactly 1:1, when one exists in its range
    /// (a proxy of 0 or more; a share in [0, 1)).
    pub break_even: Option<f64>,
    /// Whether the input is a share (shown as a percentage) rather than money.
    pub share: bool,
    /// The input and how it is moved, for a page that says it in its own language (`input` is
    /// the English).
    #[serde(skip)]
    pub moved: Moved,
}

/// An input of the SROI ratio and how the sensitivity moves it.
#[derive(Clone, Debug, PartialEq)]
pub enum Moved {
    /// The outcome's financial proxy, to its 5th and 95th percentile.
    Proxy {
        /// Outcome (node) id.
        outcome: String,
    },
    /// A stated quantity, to its 5th and 95th percentile.
    Quantity {
        /// Outcome (node) id.
        outcome: String,
    },
    /// A share taken off (or lost each year), from `current` to `worse` and `better`.
    Share {
        /// Outcome (node) id.
        outcome: String,
        /// Which share.
        share: Share,
        /// Its value.
        current: f64,
        /// The low setting of the share (the better case).
        low: f64,
        /// The high setting of the share (the worse case).
        high: f64,
    },
    /// How many years the outcome lasts, one fewer and one more.
    Duration {
        /// Outcome (node) id.
        outcome: String,
        /// Its duration in years.
        years: u32,
    },
    /// The discount rate, doubled and at 0.
    DiscountRate {
        /// The rate used.
        rate: f64,
    },
}

/// A share the SROI method takes off an outcome's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// What would have happened anyway.
    Deadweight,
    /// Value displaced elsewhere.
    Displacement,
    /// Value owed to others.
    Attribution,
    /// Lost each year after the first.
    DropOff,
}

/// The SROI of one program.
#[derive(Clone, Debug, Serialize)]
pub struct Sroi {
    /// Program id.
    pub program: String,
    /// Program name.
    pub name: String,
    /// Currency of all money figures.
    pub currency: String,
    /// Annual discount rate used.
    pub discount_rate: f64,
    /// Whether the model states the rate (otherwise the default is used).
    pub discount_rate_stated: bool,
    /// Investment: the expected cost of the program's initiatives.
    pub investment: f64,
    /// Valued outcomes, in model order.
    pub outcomes: Vec<SroiOutcome>,
    /// Total present value.
    pub present_value: f64,
    /// Present value less investment.
    pub net_present_value: f64,
    /// Present value over investment; `None` without investment.
    pub ratio: Option<f64>,
    /// Sensitivity of the ratio, largest swing first.
    pub sensitivity: Vec<SensitivityRow>,
    /// What the framework finds missing.
    pub gaps: Vec<String>,
}

/// Present value of an outcome worth `impact` in year 1, lasting `duration` years, losing
/// `drop_off` a year, discounted at `rate`.
pub fn present_value(impact: f64, duration: u32, drop_off: f64, rate: f64) -> f64 {
    yearly(impact, duration, drop_off)
        .iter()
        .enumerate()
        .map(|(t, v)| v / (1.0 + rate).powi(t as i32 + 1))
        .sum()
}

fn yearly(impact: f64, duration: u32, drop_off: f64) -> Vec<f64> {
    (0..duration).map(|t| impact * (1.0 - drop_off).powi(t as i32)).collect()
}

/// The inputs of one outcome that sensitivity moves.
#[derive(Clone, Copy)]
struct Inputs {
    quantity: f64,
    proxy: f64,
    duration: u32,
    deadweight: f64,
    displacement: f64,
    attribution: f64,
    drop_off: f64,
}

impl Inputs {
    fn impact(&self) -> f64 {
        self.quantity
            * self.proxy
            * (1.0 - self.deadweight)
            * (1.0 - self.displacement)
            * (1.0 - self.attribution)
    }

    fn pv(&self, rate: f64) -> f64 {
        present_value(self.impact(), self.duration, self.drop_off, rate)
    }
}

/// The SROI of `program`.
///
/// `change[n]` is the expected annual change the program's initiatives cause in node `n`;
/// `investment` their expected total cost; `quantile(d, q)` the `q`-quantile of a distribution.
pub fn sroi(
    model: &Model,
    graph: &ModelGraph<'_>,
    program: &str,
    change: &[f64],
    investment: f64,
    quantile: &dyn Fn(&Distribution, f64) -> f64,
) -> Option<Sroi> {
    let p = model.programs.iter().find(|p| p.id.as_str() == program)?;
    let rate = model.sroi.discount_rate.unwrap_or(SroiSettings::DEFAULT_DISCOUNT_RATE);
    let mut gaps = Vec::new();
    let mut outcomes = Vec::new();
    let mut inputs = Vec::new();
    let mut valued_nodes = Vec::new();
    for (ix, n) in model.nodes.iter().enumerate() {
        let Some(v) = &n.sroi else { continue };
        let own = n.program.as_ref().is_some_and(|x| x.as_str() == program);
        let (quantity, from) = match &v.quantity {
            Some(q) if own => (q.mean(), "stated"),
            Some(_) => continue,
            None if change[ix] != 0.0 => (change[ix], "model"),
            None => {
                if own {
                    gaps.push(format!(
                        "`{}` is valued but the program's initiatives cause no quantified change in it",
                        n.id
                    ));
                }
                continue;
            }
        };
        let stakeholders: Vec<String> = match &v.stakeholder {
            Some(s) => vec![s.to_string()],
            None => n.audiences.iter().map(|a| a.to_string()).collect(),
        };
        if stakeholders.is_empty() {
            gaps.push(format!("`{}`: no stakeholder", n.id));
        }
        if v.proxy_source.is_none() {
            gaps.push(format!("`{}`: the proxy has no source", n.id));
        }
        let x = Inputs {
            quantity,
            proxy: v.proxy.mean(),
            duration: v.duration,
            deadweight: v.deadweight,
            displacement: v.displacement,
            attribution: v.attribution,
            drop_off: v.drop_off,
        };
        let impact = x.impact();
        outcomes.push(SroiOutcome {
            id: n.id.to_string(),
            name: n.name.clone(),
            stakeholders,
            quantity,
            quantity_from: from,
            unit: n.unit.clone(),
            proxy: x.proxy,
            proxy_low: quantile(&v.proxy, 0.05),
            proxy_high: quantile(&v.proxy, 0.95),
            proxy_source: v.proxy_source.clone(),
            duration: v.duration,
            deadweight: v.deadweight,
            displacement: v.displacement,
            attribution: v.attribution,
            drop_off: v.drop_off,
            impact,
            yearly: yearly(impact, v.duration, v.drop_off),
            present_value: x.pv(rate),
        });
        inputs.push(x);
        valued_nodes.push(ix);
    }
    // A valued node below another valued node: the upper change is made of the lower one.
    for &a in &valued_nodes {
        let above = graph.reachable_from(&[a]);
        for &b in valued_nodes.iter().filter(|&&b| b != a && above[b]) {
            gaps.push(format!(
                "`{}` and `{}` are both valued and the second follows from the first: their values overlap",
                model.nodes[a].id, model.nodes[b].id
            ));
        }
    }
    if outcomes.is_empty() {
        gaps.push("no outcome the program changes has a financial proxy".into());
    }
    if investment <= 0.0 {
        gaps.push("no investment: the program's initiatives state no cost".into());
    }
    let pv: f64 = outcomes.iter().map(|o| o.present_value).sum();
    let ratio = (investment > 0.0).then(|| pv / investment);
    let sensitivity = if investment > 0.0 {
        sensitivity(model, &outcomes, &inputs, &valued_nodes, rate, investment, quantile)
    } else {
        Vec::new()
    };
    Some(Sroi {
        program: program.to_string(),
        name: p.name.clone(),
        currency: model.meta.currency.clone(),
        discount_rate: rate,
        discount_rate_stated: model.sroi.discount_rate.is_some(),
        investment,
        outcomes,
        present_value: pv,
        net_present_value: pv - investment,
        ratio,
        sensitivity,
        gaps,
    })
}

/// Picks one of the shares of an outcome's inputs.
type ShareField = fn(&mut Inputs) -> &mut f64;

fn sensitivity(
    model: &Model,
    outcomes: &[SroiOutcome],
    inputs: &[Inputs],
    nodes: &[usize],
    rate: f64,
    investment: f64,
    quantile: &dyn Fn(&Distribution, f64) -> f64,
) -> Vec<SensitivityRow> {
    let total = |xs: &[Inputs], r: f64| xs.iter().map(|x| x.pv(r)).sum::<f64>() / investment;
    let mut rows = Vec::new();
    let shares: [(&str, Share, ShareField); 4] = [
        ("deadweight", Share::Deadweight, |x| &mut x.deadweight),
        ("displacement", Share::Displacement, |x| &mut x.displacement),
        ("attribution", Share::Attribution, |x| &mut x.attribution),
        ("drop-off", Share::DropOff, |x| &mut x.drop_off),
    ];
    for (k, o) in outcomes.iter().enumerate() {
        let with = |f: &dyn Fn(&mut Inputs)| {
            let mut xs = inputs.to_vec();
            f(&mut xs[k]);
            total(&xs, rate)
        };
        // The ratio is linear in the proxy: it is 1:1 where the other outcomes plus this one
        // scaled by s equal the investment.
        let others: f64 =
            inputs.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, x)| x.pv(rate)).sum();
        let scale = (investment - others) / o.present_value;
        let break_even = (o.present_value > 0.0 && scale >= 0.0).then_some(o.proxy * scale);
        rows.push(SensitivityRow {
            input: format!("`{}` proxy at its 5th / 95th percentile", o.id),
            low: with(&|x| x.proxy = o.proxy_low),
            high: with(&|x| x.proxy = o.proxy_high),
            break_even,
            share: false,
            moved: Moved::Proxy { outcome: o.id.clone() },
        });
        if o.quantity_from == "stated"
            && let Some(q) = model.nodes[nodes[k]].sroi.as_ref().and_then(|v| v.quantity.as_ref())
            && q.variance() > 0.0
        {
            rows.push(SensitivityRow {
                input: format!("`{}` quantity at its 5th / 95th percentile", o.id),
                low: with(&|x| x.quantity = quantile(q, 0.05)),
                high: with(&|x| x.quantity = quantile(q, 0.95)),
                break_even: (o.present_value > 0.0 && scale >= 0.0).then_some(o.quantity * scale),
                share: false,
                moved: Moved::Quantity { outcome: o.id.clone() },
            });
        }
        for (name, which, field) in shares {
            // The model's changes are net of deadweight already; varying it would be meaningless.
            if name == "deadweight" && o.quantity_from == "model" {
                continue;
            }
            let current = *field(&mut inputs[k].clone());
            let lo = (current - 0.1).max(0.0);
            let hi = (current + 0.1).min(1.0);
            // Value is proportional to (1 − share) for the three shares: 1:1 where (1 − s) is
            // scaled by `scale`.
            let break_even = if name != "drop-off" && o.present_value > 0.0 {
                let s = 1.0 - (1.0 - current) * scale;
                (0.0..1.0).contains(&s).then_some(s)
            } else {
                None
            };
            rows.push(SensitivityRow {
                input: format!("`{}` {name} {} → {} / {}", o.id, pct(current), pct(lo), pct(hi)),
                // Less deadweight (etc.) means more value: "low" is the worse case, the higher share.
                low: with(&|x| *field(x) = hi),
                high: with(&|x| *field(x) = lo),
                break_even,
                share: true,
                moved: Moved::Share {
                    outcome: o.id.clone(),
                    share: which,
                    current,
                    low: lo,
                    high: hi,
                },
            });
        }
        if o.duration > 1 {
            rows.push(SensitivityRow {
                input: format!(
                    "`{}` duration {} → {} / {} years",
                    o.id,
                    o.duration,
                    o.duration - 1,
                    o.duration + 1
                ),
                low: with(&|x| x.duration -= 1),
                high: with(&|x| x.duration += 1),
                break_even: None,
                share: false,
                moved: Moved::Duration { outcome: o.id.clone(), years: o.duration },
            });
        }
    }
    rows.push(SensitivityRow {
        input: format!("discount rate {} → {} / 0%", pct(rate), pct(2.0 * rate)),
        low: total(inputs, 2.0 * rate),
        high: total(inputs, 0.0),
        break_even: None,
        share: true,
        moved: Moved::DiscountRate { rate },
    });
    rows.retain(|r| (r.high - r.low).abs() > 1e-12 || r.break_even.is_some());
    rows.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
    rows
}

/// Programs with a valued node among what their initiatives reach or what they own: the ones
/// an SROI view is worth showing for.
pub fn valued_programs(model: &Model, graph: &ModelGraph<'_>) -> Vec<String> {
    model
        .programs
        .iter()
        .filter(|p| {
            let reach = graph.program_reach(p.id.as_str());
            model.nodes.iter().enumerate().any(|(n, node)| {
                node.sroi.is_some() && (reach[n] || node.program.as_ref() == Some(&p.id))
            })
        })
        .map(|p| p.id.to_string())
        .collect()
}
