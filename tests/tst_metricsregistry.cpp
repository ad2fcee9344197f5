#include "observability/metricsregistry.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

using namespace relaydesk;

class TstMetricsRegistry : public QObject {
    Q_OBJECT

private slots:
    void counterValues();
    void counterNameGetsTotalSuffix();
    void labelledCounter();
    void labelCountMismatchIsPadded();
    void gaugeValues();
    void gaugeCallback();
    void histogramBuckets();
    void histogramCustomBuckets();
    void histogramIgnoresNan();
    void expositionExactText();
    void expositionSortedAndSkipsEmptyFamilies();
    void escaping();
    void formatDouble_data();
    void formatDouble();
    void nameValidation_data();
    void nameValidation();
    void concurrentUpdatesGiveExactTotals();
    void instanceIsSingleton();
    void promtoolAcceptsExposition();
};

void TstMetricsRegistry::counterValues() {
    MetricsRegistry registry;
    Counter *c = registry.counter(QStringLiteral("relaydesk_messages"), QStringLiteral("Messages"));
    QCOMPARE(c->value(), 0.0);
    c->inc();
    c->inc(2.5);
    QCOMPARE(c->value(), 3.5);
    c->inc(-1.0);
    c->inc(std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(c->value(), 3.5);
    QCOMPARE(c->labels({})->value(), 3.5);
    QCOMPARE(c->sum(), 3.5);
}

void TstMetricsRegistry::counterNameGetsTotalSuffix() {
    MetricsRegistry registry;
    Counter *a = registry.counter(QStringLiteral("relaydesk_jobs"), QStringLiteral("Jobs"));
    Counter *b = registry.counter(QStringLiteral("relaydesk_jobs_total"), QStringLiteral("Jobs"));
    QCOMPARE(a, b);
    QCOMPARE(a->name(), QStringLiteral("relaydesk_jobs_total"));
    QCOMPARE(a->type(), MetricFamily::Type::Counter);
}

void TstMetricsRegistry::labelledCounter() {
    MetricsRegistry registry;
    const QStringList labels{QStringLiteral("channel"), QStringLiteral("status")};
    Counter *c = registry.counter(QStringLiteral("sent"), QStringLiteral("Sent"), labels);
    QCOMPARE(registry.counter(QStringLiteral("sent"), QStringLiteral("other help"), labels), c);

    Counter::Child *ok = c->labels({QStringLiteral("telegram"), QStringLiteral("ok")});
    Counter::Child *failed = c->labels({QStringLiteral("telegram"), QStringLiteral("failed")});
    QVERIFY(ok != failed);
    QCOMPARE(c->labels({QStringLiteral("telegram"), QStringLiteral("ok")}), ok);
    ok->inc();
    ok->inc();
    failed->inc(3);
    QCOMPARE(ok->value(), 2.0);
    QCOMPARE(failed->value(), 3.0);
    QCOMPARE(c->value({QStringLiteral("telegram"), QStringLiteral("ok")}), 2.0);
    QCOMPARE(c->value({QStringLiteral("discord"), QStringLiteral("ok")}), 0.0);
    QCOMPARE(c->sum(), 5.0);
    QCOMPARE(c->labelNames(), labels);
}

void TstMetricsRegistry::labelCountMismatchIsPadded() {
    MetricsRegistry registry;
    Counter *c = registry.counter(QStringLiteral("pad"), QStringLiteral("Pad"),
                                  {QStringLiteral("a"), QStringLiteral("b")});
    QTest::ignoreMessage(QtWarningMsg, "metric pad_total expects 2 label values, got 1");
    c->labels({QStringLiteral("x")})->inc();
    QTest::ignoreMessage(QtWarningMsg, "metric pad_total expects 2 label values, got 3");
    c->labels({QStringLiteral("x"), QString(), QStringLiteral("extra")})->inc();
    QCOMPARE(c->value({QStringLiteral("x"), QString()}), 2.0);
    QVERIFY(registry.exposition().contains("pad_total{a=\"x\",b=\"\"} 2\n"));
}

void TstMetricsRegistry::gaugeValues() {
    MetricsRegistry registry;
    Gauge *g = registry.gauge(QStringLiteral("inflight"), QStringLiteral("In flight"));
    QCOMPARE(registry.gauge(QStringLiteral("inflight"), QStringLiteral("In flight")), g);
    g->set(5);
    g->inc();
    g->dec(2.5);
    QCOMPARE(g->value(), 3.5);
    g->dec(10);
    QCOMPARE(g->value(), -6.5);

    Gauge *lg = registry.gauge(QStringLiteral("conns"), QStringLiteral("Connections"),
                               {QStringLiteral("kind")});
    lg->labels({QStringLiteral("ws")})->inc();
    lg->labels({QStringLiteral("ws")})->inc();
    lg->labels({QStringLiteral("http")})->set(7);
    QCOMPARE(lg->value({QStringLiteral("ws")}), 2.0);
    QCOMPARE(lg->value({QStringLiteral("http")}), 7.0);
    QCOMPARE(lg->type(), MetricFamily::Type::Gauge);
}

void TstMetricsRegistry::gaugeCallback() {
    MetricsRegistry registry;
    int calls = 0;
    double depth = 12;
    registry.gaugeCallback(QStringLiteral("queue_depth"), QStringLiteral("Jobs waiting"),
                           [&calls, &depth] {
                               ++calls;
                               return depth;
                           });
    QCOMPARE(calls, 0);
    QVERIFY(registry.exposition().contains("\nqueue_depth 12\n"));
    QCOMPARE(calls, 1);
    depth = 3;
    QVERIFY(registry.exposition().contains("\nqueue_depth 3\n"));
    QCOMPARE(calls, 2);
    QCOMPARE(registry.gauge(QStringLiteral("queue_depth"), QString())->value(), 3.0);

    registry.gaugeCallback(QStringLiteral("queue_depth"), QStringLiteral("Jobs waiting"),
                           [] { return 42.0; });
    QVERIFY(registry.exposition().contains("\nqueue_depth 42\n"));
    QCOMPARE(calls, 3);

    registry.removeGaugeCallback(QStringLiteral("queue_depth"));
    registry.removeGaugeCallback(QStringLiteral("never_registered"));
    const QByteArray text = registry.exposition();
    QCOMPARE(calls, 3);
    QVERIFY(text.contains("\nqueue_depth 0\n"));
    QVERIFY(!registry.gauge(QStringLiteral("queue_depth"), QString())->hasCallback());
}

void TstMetricsRegistry::histogramBuckets() {
    MetricsRegistry registry;
    Histogram *h = registry.histogram(QStringLiteral("latency_seconds"), QStringLiteral("Latency"));
    QCOMPARE(h->buckets(), Histogram::defaultBuckets());
    QCOMPARE(h->buckets().constFirst(), 0.0005);
    QCOMPARE(h->buckets().constLast(), 10.0);

    h->observe(0.0005); // on the bound: le is inclusive
    h->observe(0.003);
    h->observe(0.003);
    h->observe(1.0);
    h->observe(60.0);
    QCOMPARE(h->count(), quint64(5));
    QCOMPARE(h->sum(), 0.0005 + 0.003 + 0.003 + 1.0 + 60.0);

    const QList<quint64> counts = h->labels({})->cumulativeCounts();
    QCOMPARE(counts.size(), Histogram::defaultBuckets().size() + 1);
    const QList<double> bounds = h->buckets();
    QCOMPARE(counts.at(bounds.indexOf(0.0005)), quint64(1));
    QCOMPARE(counts.at(bounds.indexOf(0.001)), quint64(1));
    QCOMPARE(counts.at(bounds.indexOf(0.005)), quint64(3));
    QCOMPARE(counts.at(bounds.indexOf(1.0)), quint64(4));
    QCOMPARE(counts.at(bounds.indexOf(10.0)), quint64(4));
    QCOMPARE(counts.constLast(), quint64(5));

    const QByteArray text = registry.exposition();
    QVERIFY(text.contains("latency_seconds_bucket{le=\"0.0005\"} 1\n"));
    QVERIFY(text.contains("latency_seconds_bucket{le=\"0.005\"} 3\n"));
    QVERIFY(text.contains("latency_seconds_bucket{le=\"10\"} 4\n"));
    QVERIFY(text.contains("latency_seconds_bucket{le=\"+Inf\"} 5\n"));
    QVERIFY(text.contains("latency_seconds_count 5\n"));
}

void TstMetricsRegistry::histogramCustomBuckets() {
    MetricsRegistry registry;
    const double inf = std::numeric_limits<double>::infinity();
    Histogram *h = registry.histogram(QStringLiteral("batch_size"), QStringLiteral("Batch"),
                                      {QStringLiteral("writer")}, {100, 1, 10, 10, inf});
    QCOMPARE(h->buckets(), (QList<double>{1, 10, 100}));
    Histogram::Child *child = h->labels({QStringLiteral("main")});
    for (const double v : {0.0, 1.0, 5.0, 50.0, 500.0})
        child->observe(v);
    QCOMPARE(child->cumulativeCounts(), (QList<quint64>{2, 3, 4, 5}));
    QCOMPARE(h->count({QStringLiteral("main")}), quint64(5));
    QCOMPARE(h->sum({QStringLiteral("main")}), 556.0);
    QCOMPARE(h->count({QStringLiteral("other")}), quint64(0));
    // Re-registration keeps the first bucket layout.
    QCOMPARE(registry.histogram(QStringLiteral("batch_size"), QString(), {QStringLiteral("writer")},
                                {2, 3}),
             h);
    QCOMPARE(h->buckets(), (QList<double>{1, 10, 100}));
}

void TstMetricsRegistry::histogramIgnoresNan() {
    MetricsRegistry registry;
    Histogram *h = registry.histogram(QStringLiteral("h"), QStringLiteral("H"), {}, {1});
    h->observe(std::numeric_limits<double>::quiet_NaN());
    h->observe(0.5);
    QCOMPARE(h->count(), quint64(1));
    QCOMPARE(h->sum(), 0.5);
}

void TstMetricsRegistry::expositionExactText() {
    MetricsRegistry registry;
    Counter *c = registry.counter(QStringLiteral("relaydesk_http_requests"),
                                  QStringLiteral("HTTP requests served."),
                                  {QStringLiteral("method"), QStringLiteral("code")});
    c->labels({QStringLiteral("POST"), QStringLiteral("202")})->inc(2);
    c->labels({QStringLiteral("GET"), QStringLiteral("200")})->inc();
    registry.gauge(QStringLiteral("relaydesk_queue_depth"), QStringLiteral("Jobs waiting."))
        ->set(0.25);
    Histogram *h =
        registry.histogram(QStringLiteral("relaydesk_send_seconds"),
                           QStringLiteral("Send latency."), {QStringLiteral("channel")}, {0.1, 1});
    h->labels({QStringLiteral("sms")})->observe(0.05);
    h->labels({QStringLiteral("sms")})->observe(2);

    const QByteArray expected = "# HELP relaydesk_http_requests_total HTTP requests served.\n"
                                "# TYPE relaydesk_http_requests_total counter\n"
                                "relaydesk_http_requests_total{method=\"GET\",code=\"200\"} 1\n"
                                "relaydesk_http_requests_total{method=\"POST\",code=\"202\"} 2\n"
                                "# HELP relaydesk_queue_depth Jobs waiting.\n"
                                "# TYPE relaydesk_queue_depth gauge\n"
                                "relaydesk_queue_depth 0.25\n"
                                "# HELP relaydesk_send_seconds Send latency.\n"
                                "# TYPE relaydesk_send_seconds histogram\n"
                                "relaydesk_send_seconds_bucket{channel=\"sms\",le=\"0.1\"} 1\n"
                                "relaydesk_send_seconds_bucket{channel=\"sms\",le=\"1\"} 1\n"
                                "relaydesk_send_seconds_bucket{channel=\"sms\",le=\"+Inf\"} 2\n"
                                "relaydesk_send_seconds_sum{channel=\"sms\"} 2.05\n"
                                "relaydesk_send_seconds_count{channel=\"sms\"} 2\n";
    QCOMPARE(registry.exposition(), expected);
    QCOMPARE(MetricsRegistry::contentType(),
             QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"));
}

void TstMetricsRegistry::expositionSortedAndSkipsEmptyFamilies() {
    MetricsRegistry registry;
    registry.gauge(QStringLiteral("zeta"), QStringLiteral("Z"));
    registry.counter(QStringLiteral("alpha"), QStringLiteral("A"));
    registry.counter(QStringLiteral("labelled_without_children"), QStringLiteral("L"),
                     {QStringLiteral("x")});
    registry.histogram(QStringLiteral("mid_seconds"), QStringLiteral("M"), {QStringLiteral("x")});
    registry.histogram(QStringLiteral("beta_seconds"), QStringLiteral("B"), {}, {1});

    const QByteArray text = registry.exposition();
    QVERIFY(!text.contains("labelled_without_children"));
    QVERIFY(!text.contains("mid_seconds"));
    const qsizetype alpha = text.indexOf("# HELP alpha_total A\n");
    const qsizetype beta = text.indexOf("# HELP beta_seconds B\n");
    const qsizetype zeta = text.indexOf("# HELP zeta Z\n");
    QVERIFY(alpha >= 0);
    QVERIFY(beta > alpha);
    QVERIFY(zeta > beta);
    // Unlabelled families report zero before the first update.
    QVERIFY(text.contains("\nalpha_total 0\n"));
    QVERIFY(text.contains("\nzeta 0\n"));
    QVERIFY(text.contains("\nbeta_seconds_count 0\n"));
    QVERIFY(text.endsWith('\n'));
}

void TstMetricsRegistry::escaping() {
    MetricsRegistry registry;
    Counter *c = registry.counter(QStringLiteral("escapes"),
                                  QStringLiteral("Help with \\ backslash,\nnewline and \"quotes\""),
                                  {QStringLiteral("v")});
    c->labels({QStringLiteral("a\\b\"c\nd")})->inc();
    c->labels({QStringLiteral("caf\u00e9")})->inc();
    const QByteArray text = registry.exposition();
    QVERIFY2(text.contains("# HELP escapes_total Help with \\\\ backslash,\\nnewline and "
                           "\"quotes\"\n"),
             text.constData());
    QVERIFY2(text.contains("escapes_total{v=\"a\\\\b\\\"c\\nd\"} 1\n"), text.constData());
    QVERIFY(text.contains("escapes_total{v=\"caf\xc3\xa9\"} 1\n"));
    QCOMPARE(MetricFamily::escapeLabelValue(QStringLiteral("\\\"\n")),
             QByteArrayLiteral("\\\\\\\"\\n"));
}

void TstMetricsRegistry::formatDouble_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("integer") << 10.0 << QByteArray("10");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("tenth") << 0.1 << QByteArray("0.1");
    QTest::newRow("small") << 0.0005 << QByteArray("0.0005");
    QTest::newRow("tiny") << 1e-05 << QByteArray("1e-05");
    QTest::newRow("ten thousandth") << 0.0001 << QByteArray("0.0001");
    QTest::newRow("huge") << 1e300 << QByteArray("1e+300");
    QTest::newRow("largest finite")
        << std::numeric_limits<double>::max() << QByteArray("1.7976931348623157e+308");
    QTest::newRow("negative") << -2.5 << QByteArray("-2.5");
    QTest::newRow("large") << 12345678901.0 << QByteArray("12345678901");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
}

void TstMetricsRegistry::formatDouble() {
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    QCOMPARE(MetricFamily::formatDouble(value), text);
}

void TstMetricsRegistry::nameValidation_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("metricOk");
    QTest::addColumn<bool>("labelOk");
    QTest::newRow("plain") << QStringLiteral("http_requests") << true << true;
    QTest::newRow("colon") << QStringLiteral("job:rate5m") << true << false;
    QTest::newRow("leading digit") << QStringLiteral("5xx") << false << false;
    QTest::newRow("dash") << QStringLiteral("a-b") << false << false;
    QTest::newRow("reserved") << QStringLiteral("__name__") << true << false;
    QTest::newRow("empty") << QString() << false << false;
    QTest::newRow("non-ascii") << QStringLiteral("caf\u00e9") << false << false;
}

void TstMetricsRegistry::nameValidation() {
    QFETCH(QString, name);
    QFETCH(bool, metricOk);
    QFETCH(bool, labelOk);
    QCOMPARE(MetricFamily::isValidMetricName(name), metricOk);
    QCOMPARE(MetricFamily::isValidLabelName(name), labelOk);
}

void TstMetricsRegistry::concurrentUpdatesGiveExactTotals() {
    MetricsRegistry registry;
    constexpr int threadCount = 8;
    constexpr int iterations = 20000;
    Counter *plain = registry.counter(QStringLiteral("plain"), QStringLiteral("P"));
    Gauge *gauge = registry.gauge(QStringLiteral("g"), QStringLiteral("G"));
    Histogram *hist = registry.histogram(QStringLiteral("h_seconds"), QStringLiteral("H"),
                                         {QStringLiteral("shard")}, {0.5});

    std::atomic<bool> stop{false};
    std::atomic<int> expositions{0};
    // Exposition and registration race against the updates on purpose.
    std::unique_ptr<QThread> reader(QThread::create([&] {
        while (!stop.load()) {
            const QByteArray text = registry.exposition();
            if (!text.contains("# TYPE plain_total counter"))
                qFatal("exposition lost a family while updates were running");
            expositions.fetch_add(1);
        }
    }));
    reader->start();

    std::vector<std::unique_ptr<QThread>> writers;
    for (int t = 0; t < threadCount; ++t) {
        writers.emplace_back(QThread::create([&, t] {
            Counter *labelled = registry.counter(QStringLiteral("labelled"), QStringLiteral("L"),
                                                 {QStringLiteral("shard")});
            for (int i = 0; i < iterations; ++i) {
                plain->inc();
                // Looked up every time so child creation races too.
                labelled->labels({QString::number(i % 4)})->inc(0.5);
                gauge->inc();
                if (i % 2)
                    gauge->dec();
                hist->labels({QString::number(t % 2)})->observe(i % 2 ? 0.25 : 1.0);
            }
        }));
    }
    for (auto &w : writers)
        w->start();
    for (auto &w : writers)
        QVERIFY(w->wait(120000));
    stop.store(true);
    QVERIFY(reader->wait(120000));
    QVERIFY(expositions.load() > 0);

    const double total = double(threadCount) * iterations;
    QCOMPARE(plain->value(), total);
    Counter *labelled = registry.counter(QStringLiteral("labelled"), QStringLiteral("L"),
                                         {QStringLiteral("shard")});
    QCOMPARE(labelled->sum(), total * 0.5);
    for (int s = 0; s < 4; ++s)
        QCOMPARE(labelled->value({QString::number(s)}), total * 0.5 / 4);
    QCOMPARE(gauge->value(), total / 2);
    const quint64 perShard = quint64(threadCount / 2) * iterations;
    for (int s = 0; s < 2; ++s) {
        Histogram::Child *child = hist->labels({QString::number(s)});
        QCOMPARE(child->count(), perShard);
        QCOMPARE(child->cumulativeCounts(), (QList<quint64>{perShard / 2, perShard}));
        QCOMPARE(child->sum(), double(perShard / 2) * 0.25 + double(perShard / 2) * 1.0);
    }
    const QByteArray expectedLine =
        "plain_total " + QByteArray::number(threadCount * iterations) + '\n';
    QVERIFY(registry.exposition().contains(expectedLine));
}

void TstMetricsRegistry::instanceIsSingleton() {
    QCOMPARE(&MetricsRegistry::instance(), &MetricsRegistry::instance());
    Counter *c = MetricsRegistry::instance().counter(QStringLiteral("tst_singleton"),
                                                     QStringLiteral("Singleton check"));
    c->inc();
    QVERIFY(MetricsRegistry::instance().exposition().contains("tst_singleton_total 1\n"));
}

void TstMetricsRegistry::promtoolAcceptsExposition() {
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (promtool.isEmpty())
        QSKIP("promtool is not installed (apt-get install prometheus)");

    MetricsRegistry registry;
    Counter *c = registry.counter(QStringLiteral("relaydesk_messages_received"),
                                  QStringLiteral("Inbound messages accepted, by channel."),
                                  {QStringLiteral("channel"), QStringLiteral("note")});
    c->labels({QStringLiteral("telegram"), QStringLiteral("a\\b\"c\nd")})->inc(3);
    c->labels({QStringLiteral("sms"), QString()})->inc();
    registry.counter(QStringLiteral("relaydesk_errors_total"), QStringLiteral("Errors."))->inc();
    registry.gauge(QStringLiteral("relaydesk_ws_clients"), QStringLiteral("WebSocket clients."))
        ->set(4);
    registry.gaugeCallback(QStringLiteral("relaydesk_queue_depth"),
                           QStringLiteral("Jobs waiting in the queue."), [] { return 17.0; });
    Histogram *h =
        registry.histogram(QStringLiteral("relaydesk_http_request_duration_seconds"),
                           QStringLiteral("HTTP request latency."), {QStringLiteral("route")});
    for (const double v : {0.0001, 0.002, 0.03, 0.4, 5.0, 30.0})
        h->labels({QStringLiteral("/api/v1/messages")})->observe(v);
    registry
        .histogram(QStringLiteral("relaydesk_db_commit_seconds"),
                   QStringLiteral("Group commit latency\nwith a \\ in help."))
        ->observe(0.004);

    const QByteArray text = registry.exposition();
    QProcess process;
    process.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    process.write(text);
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    const QByteArray output = process.readAllStandardOutput() + process.readAllStandardError();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             QByteArray(output + "\n---\n" + text).constData());
    QVERIFY2(output.trimmed().isEmpty(), output.constData());
}

QTEST_GUILESS_MAIN(TstMetricsRegistry)
#include "tst_metricsregistry.moc"
