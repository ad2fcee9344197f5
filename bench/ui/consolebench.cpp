// Console benchmark (issue #6): (a) time to first paint of the main window with the inbox
// populated on a SQLite database holding 1,000,000 messages, against an empty database measured
// in the same run; (b) GUI-thread stalls while 10,000 messages arrive through the engine,
// against the same window left idle for as long. See bench/ui/README.md.
//
//   QT_QPA_PLATFORM=offscreen bench_console [--messages N] [--runs R] [--arrivals M]
//                                           [--cache DIR] [--json FILE] [--only paint|stalls]

#include "engine/engine.h"
#include "ui/conversationlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"
#include "ui/translations.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListView>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace relaydesk;

namespace {

constexpr int kMessagesPerConversation = 10;
constexpr int kHeartbeatMs = 4;
constexpr int kInFlight = 64;
// 2026-01-05 09:00 UTC: every generated timestamp counts up from here.
constexpr qint64 kBaseMs = 1767603600000;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void say(const QString &line)
{
    out() << line << Qt::endl;
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype index =
        std::clamp<qsizetype>(qsizetype(p * double(values.size() - 1) + 0.5), 0, values.size() - 1);
    return values.at(index);
}

Settings settingsFor(const QString &databasePath, const QString &dataDir)
{
    Settings settings;
    settings.dataDir = dataDir;
    settings.databaseUrl = QStringLiteral("sqlite://") + databasePath;
    return settings;
}

// Creates the schema through the engine's own migrations (so it is exactly what the console
// reads), then fills it with plain SQL: INSERT ... SELECT over a recursive counter writes a
// million rows in seconds, where a million engine ingests would take many minutes.
bool generateDatabase(const QString &path, int messages, const QString &dataDir)
{
    QFile::remove(path);
    {
        Engine engine(settingsFor(path, dataDir));
        const auto started = engine.start();
        if (!started.isOk()) {
            say(QStringLiteral("cannot create the schema: ") + started.error().message);
            return false;
        }
        engine.stop();
    }
    const int conversations = std::max(1, messages / kMessagesPerConversation);
    const QString connectionName = QStringLiteral("bench-setup");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(path);
        if (!db.open()) {
            say(QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text()));
            return false;
        }
        QSqlQuery query(db);
        const auto run = [&](const QString &sql) {
            if (ok && !query.exec(sql)) {
                say(QStringLiteral("setup failed: %1\n%2").arg(query.lastError().text(), sql));
                ok = false;
            }
        };
        // A UUIDv7 per row: the millisecond timestamp in the first 48 bits, the row number in
        // the random part, so ids sort by time like the engine's own.
        // Concatenated, not arg()'d: QString::arg would read "%01" of "%012x" as a marker.
        const auto uuid = [](const QString &ms, const QString &variant,
                             const QString &counter) -> QString {
            return QStringLiteral("printf('%08x-%04x-7000-") + variant +
                   QStringLiteral("-%012x', (") + ms + QStringLiteral(") >> 16, (") + ms +
                   QStringLiteral(") & 65535, ") + counter + QStringLiteral(")");
        };
        const QString counter =
            QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                           "WHERE i < %1) ");
        run(QStringLiteral("PRAGMA journal_mode=WAL"));
        run(QStringLiteral("PRAGMA synchronous=OFF"));
        run(QStringLiteral("BEGIN"));
        // Conversation i was last active at base + i minutes; 70 % open, 20 % pending.
        run(counter.arg(conversations - 1) +
            QStringLiteral(
                "INSERT INTO conversations (id, platform, thread_key, participants, status, "
                "priority, labels, assignee, ai_mode, last_activity_at, created_at) "
                "SELECT @ID@, "
                "CASE i % 6 WHEN 0 THEN 'telegram' WHEN 1 THEN 'discord' WHEN 2 THEN 'email' "
                "WHEN 3 THEN 'sms' WHEN 4 THEN 'twitter' ELSE 'webhook' END, "
                "'bench:' || i, json_array('customer-' || i), "
                "CASE WHEN i % 10 < 7 THEN 'open' WHEN i % 10 < 9 THEN 'pending' "
                "ELSE 'resolved' END, i % 4, "
                "CASE WHEN i % 5 = 0 THEN '[\"billing\"]' ELSE '[]' END, '', 'review', "
                "@BASE@ + i * 60000, @BASE@ + i * 60000 - 3600000 FROM n")
                .replace(QStringLiteral("@BASE@"), QString::number(kBaseMs))
                .replace(QStringLiteral("@ID@"),
                         uuid(QString::number(kBaseMs) + QStringLiteral(" + i"),
                              QStringLiteral("8000"), QStringLiteral("i"))));
        run(QStringLiteral("INSERT INTO conversation_participants (participant, conversation_id) "
                           "SELECT 'customer-' || substr(thread_key, 7), id FROM conversations"));
        // Message j belongs to conversation j / 10; customers and operators take turns, so half
        // the conversations end with a customer waiting.
        run(counter.arg(messages - 1) +
            QStringLiteral(
                "INSERT INTO messages (id, conversation_id, direction, platform, author_kind, "
                "author_id, user_id, content, created_at) "
                "SELECT @ID@, c.id, "
                "CASE WHEN (n.i + n.i / 10) % 2 = 0 THEN 'inbound' ELSE 'outbound' END, "
                "c.platform, "
                "CASE WHEN (n.i + n.i / 10) % 2 = 0 THEN 'customer' ELSE 'operator' END, "
                "CASE WHEN (n.i + n.i / 10) % 2 = 0 THEN '' ELSE 'dana' END, "
                "'customer-' || (n.i / 10), "
                "'Message ' || n.i || ' about order ' || ((n.i * 7919) % 100000) || "
                "': the parcel has not arrived and tracking shows no update since Monday', "
                "@BASE@ + (n.i / 10) * 60000 - (9 - n.i % 10) * 6000 "
                "FROM n JOIN conversations c ON c.id = @CONVERSATION@")
                .replace(QStringLiteral("@BASE@"), QString::number(kBaseMs))
                .replace(QStringLiteral("@ID@"),
                         uuid(QString::number(kBaseMs) + QStringLiteral(" + n.i * 6"),
                              QStringLiteral("9000"), QStringLiteral("n.i")))
                .replace(QStringLiteral("@CONVERSATION@"),
                         uuid(QString::number(kBaseMs) + QStringLiteral(" + (n.i / 10)"),
                              QStringLiteral("8000"), QStringLiteral("n.i / 10"))));
        run(QStringLiteral("INSERT INTO message_events (id, message_id, type, detail, created_at) "
                           "SELECT substr(id, 1, 19) || 'a' || substr(id, 21), id, "
                           "CASE direction WHEN 'inbound' THEN 'queued' ELSE 'sent' END, '', "
                           "created_at FROM messages"));
        run(QStringLiteral("COMMIT"));
        run(QStringLiteral("ANALYZE"));
        if (ok) {
            query.exec(QStringLiteral("SELECT COUNT(*) FROM messages"));
            ok = query.next() && query.value(0).toInt() == messages;
            if (!ok)
                say(QStringLiteral("setup wrote the wrong number of messages"));
        }
        query = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    return ok;
}

struct PaintRun {
    double engineStartMs = 0;
    double firstPaintMs = 0; // window construction -> first paint with inbox rows
    double totalMs = 0;      // engine construction -> that paint
    int rows = 0;
};

// Records the first paint of the inbox list that shows rows: the paint event is let through,
// and the time is taken on the next turn of the event loop, after it was drawn.
class PaintProbe : public QObject
{
public:
    PaintProbe(QAbstractItemView *view, QElapsedTimer *clock)
        : m_view(view)
        , m_clock(clock)
    {
        view->viewport()->installEventFilter(this);
    }

    bool painted() const { return m_paintedAt >= 0; }
    qint64 paintedAt() const { return m_paintedAt; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_seen && m_view->model() &&
            m_view->model()->rowCount() > 0) {
            m_seen = true;
            QTimer::singleShot(0, this, [this] { m_paintedAt = m_clock->nsecsElapsed(); });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QAbstractItemView *m_view;
    QElapsedTimer *m_clock;
    bool m_seen = false;
    qint64 m_paintedAt = -1;
};

bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QThread::usleep(200);
    }
    return true;
}

std::optional<PaintRun> measurePaint(const QString &path, const QString &dataDir, bool expectRows)
{
    QSettings().clear();
    QElapsedTimer clock;
    clock.start();
    Engine engine(settingsFor(path, dataDir));
    const auto started = engine.start();
    if (!started.isOk()) {
        say(QStringLiteral("engine did not start: ") + started.error().message);
        return std::nullopt;
    }
    PaintRun run;
    run.engineStartMs = double(clock.nsecsElapsed()) / 1e6;
    const qint64 windowAt = clock.nsecsElapsed();
    std::optional<PaintRun> result;
    {
        ui::MainWindow window(&engine);
        PaintProbe probe(window.conversationList(), &clock);
        window.resize(1440, 900);
        window.show();
        const bool done =
            expectRows ? waitFor([&] { return probe.painted(); }, 120000)
                       // Empty inbox: the first paint after the (empty) first page.
                       : waitFor([&] { return !window.conversationModel()->isLoading(); }, 120000);
        if (done) {
            if (!expectRows) {
                // Let the paint that follows the answer happen, as for the full database.
                QCoreApplication::processEvents();
            }
            const qint64 at = expectRows ? probe.paintedAt() : clock.nsecsElapsed();
            run.firstPaintMs = double(at - windowAt) / 1e6;
            run.totalMs = double(at) / 1e6;
            run.rows = window.conversationModel()->rowCount();
            result = run;
        } else {
            say(QStringLiteral("the inbox did not paint within 120 s"));
        }
    }
    engine.stop();
    return result;
}

struct StallStats {
    int ticks = 0;
    double maxMs = 0;
    double p99Ms = 0;
    double p50Ms = 0;
    int over16 = 0;
    int over50 = 0;
    double seconds = 0;
};

// Beats every kHeartbeatMs on the GUI thread and keeps the gaps between beats: a gap longer
// than the interval is time the event loop could not run.
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kHeartbeatMs);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_gaps << double(now - m_last) / 1e6;
            m_last = now;
        });
    }
    void start()
    {
        m_gaps.clear();
        m_last = -1;
        m_clock.start();
        m_timer.start();
    }
    StallStats stop()
    {
        m_timer.stop();
        StallStats stats;
        stats.seconds = double(m_clock.nsecsElapsed()) / 1e9;
        stats.ticks = int(m_gaps.size());
        stats.maxMs = m_gaps.isEmpty() ? 0 : *std::max_element(m_gaps.begin(), m_gaps.end());
        stats.p99Ms = percentile(m_gaps, 0.99);
        stats.p50Ms = percentile(m_gaps, 0.50);
        for (double gap : std::as_const(m_gaps)) {
            stats.over16 += gap > 16 ? 1 : 0;
            stats.over50 += gap > 50 ? 1 : 0;
        }
        return stats;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    QList<double> m_gaps;
};

QJsonObject toJson(const StallStats &s)
{
    return QJsonObject{{QStringLiteral("seconds"), s.seconds},
                       {QStringLiteral("ticks"), s.ticks},
                       {QStringLiteral("gap_p50_ms"), s.p50Ms},
                       {QStringLiteral("gap_p99_ms"), s.p99Ms},
                       {QStringLiteral("gap_max_ms"), s.maxMs},
                       {QStringLiteral("stalls_over_16ms"), s.over16},
                       {QStringLiteral("stalls_over_50ms"), s.over50}};
}

QString row(const QString &name, const StallStats &s)
{
    return QStringLiteral("| %1 | %2 s | %3 | %4 ms | %5 ms | %6 ms | %7 | %8 |")
        .arg(name)
        .arg(s.seconds, 0, 'f', 1)
        .arg(s.ticks)
        .arg(s.p50Ms, 0, 'f', 1)
        .arg(s.p99Ms, 0, 'f', 1)
        .arg(s.maxMs, 0, 'f', 1)
        .arg(s.over16)
        .arg(s.over50);
}

QJsonObject benchStalls(int arrivals, const QString &dataDir)
{
    const QString path = QDir(dataDir).filePath(QStringLiteral("stalls.db"));
    QFile::remove(path);
    Engine engine(settingsFor(path, dataDir));
    if (const auto started = engine.start(); !started.isOk()) {
        say(QStringLiteral("engine did not start: ") + started.error().message);
        return {};
    }
    QJsonObject result;
    {
        QSettings().clear();
        ui::MainWindow window(&engine);
        window.resize(1440, 900);
        window.show();
        waitFor([&] { return !window.conversationModel()->isLoading(); }, 60000);

        // The producer: a thread of its own (like the HTTP server's), at most kInFlight
        // messages unanswered, 2,000 customers on every platform.
        std::atomic<int> accepted{0};
        std::atomic<int> failed{0};
        std::atomic<bool> finished{false};
        QElapsedTimer ingestClock;
        qint64 ingestNs = 0;
        std::unique_ptr<QThread> producer(QThread::create([&] {
            static const QList<Platform> platforms{Platform::Telegram, Platform::Discord,
                                                   Platform::Email,    Platform::Sms,
                                                   Platform::Twitter,  Platform::Webhook};
            QList<QFuture<Outcome<IngestResult>>> inFlight;
            for (int i = 0; i < arrivals; ++i) {
                Message message;
                message.direction = Direction::Inbound;
                message.platform = platforms.at(i % platforms.size());
                message.userId = message.platform == Platform::Email
                                     ? QStringLiteral("customer%1@example.com").arg(i % 2000)
                                 : message.platform == Platform::Sms
                                     ? QStringLiteral("+1555%1").arg(1000000 + i % 2000)
                                     : QStringLiteral("customer-%1").arg(i % 2000);
                message.priority = Priority(i % 4);
                message.content = QStringLiteral("Order %1: the parcel has not arrived yet, "
                                                 "can you check the tracking? (%2)")
                                      .arg(10000 + i % 7919)
                                      .arg(i);
                inFlight << engine.ingest(message);
                if (inFlight.size() >= kInFlight) {
                    for (auto &future : inFlight) {
                        future.waitForFinished();
                        (future.result().isOk() ? accepted : failed).fetch_add(1);
                    }
                    inFlight.clear();
                }
            }
            for (auto &future : inFlight) {
                future.waitForFinished();
                (future.result().isOk() ? accepted : failed).fetch_add(1);
            }
            finished = true;
        }));

        Heartbeat heartbeat;
        // Baseline: the same window, idle, for a few seconds.
        heartbeat.start();
        waitFor([] { return false; }, 3000);
        const StallStats idle = heartbeat.stop();

        heartbeat.start();
        ingestClock.start();
        producer->start();
        waitFor([&] { return finished.load(); }, 600000);
        ingestNs = ingestClock.nsecsElapsed();
        // The console keeps catching up after the last 202: the engine's signals still queued
        // and the drafts of the offline responder. Until the queue is empty, and one second.
        waitFor([&] { return engine.stats().readyJobs == 0; }, 300000);
        waitFor([] { return false; }, 1000);
        const StallStats load = heartbeat.stop();
        producer->wait();

        say(QStringLiteral("\n### GUI-thread stalls while %1 messages arrive (heartbeat every %2 "
                           "ms)\n")
                .arg(arrivals)
                .arg(kHeartbeatMs));
        say(QStringLiteral(
            "| phase | duration | beats | gap p50 | gap p99 | gap max | gaps > 16 ms "
            "| gaps > 50 ms |"));
        say(QStringLiteral("|---|---|---|---|---|---|---|---|"));
        say(row(QStringLiteral("idle window (baseline)"), idle));
        say(row(QStringLiteral("%1 arrivals + drafts").arg(arrivals), load));
        const double ingestRate = double(accepted.load()) / (double(ingestNs) / 1e9);
        say(QStringLiteral("\nAccepted %1, failed %2, in %3 s (%4 msg/s through Engine::ingest); "
                           "inbox rows loaded at the end: %5.")
                .arg(accepted.load())
                .arg(failed.load())
                .arg(double(ingestNs) / 1e9, 0, 'f', 1)
                .arg(ingestRate, 0, 'f', 0)
                .arg(window.conversationModel()->rowCount()));
        result = QJsonObject{{QStringLiteral("arrivals"), arrivals},
                             {QStringLiteral("accepted"), accepted.load()},
                             {QStringLiteral("failed"), failed.load()},
                             {QStringLiteral("ingest_seconds"), double(ingestNs) / 1e9},
                             {QStringLiteral("idle"), toJson(idle)},
                             {QStringLiteral("load"), toJson(load)}};
    }
    engine.stop();
    return result;
}

QJsonObject benchPaint(int messages, int runs, const QString &cacheDir, const QString &dataDir)
{
    const QString big = QDir(cacheDir).filePath(QStringLiteral("console-%1.db").arg(messages));
    if (!QFile::exists(big)) {
        say(QStringLiteral("Generating %1 messages into %2 (cached for later runs)…")
                .arg(messages)
                .arg(big));
        QElapsedTimer setup;
        setup.start();
        if (!generateDatabase(big, messages, dataDir)) {
            QFile::remove(big);
            return {};
        }
        say(QStringLiteral("… done in %1 s.").arg(double(setup.elapsed()) / 1000, 0, 'f', 1));
    }
    const QString empty = QDir(dataDir).filePath(QStringLiteral("empty.db"));
    QFile::remove(empty);
    // One warm-up of each: the first run of a process pays for loading plugins and fonts.
    measurePaint(empty, dataDir, false);
    measurePaint(big, dataDir, true);
    QList<double> emptyPaint, bigPaint, emptyTotal, bigTotal, emptyStart, bigStart;
    int rows = 0;
    for (int i = 0; i < runs; ++i) {
        const auto e = measurePaint(empty, dataDir, false);
        const auto b = measurePaint(big, dataDir, true);
        if (!e || !b)
            return {};
        emptyPaint << e->firstPaintMs;
        emptyTotal << e->totalMs;
        emptyStart << e->engineStartMs;
        bigPaint << b->firstPaintMs;
        bigTotal << b->totalMs;
        bigStart << b->engineStartMs;
        rows = b->rows;
    }
    const double ratio = median(bigTotal) / std::max(0.001, median(emptyTotal));
    say(QStringLiteral("\n### Opening a database with %1 messages (median of %2 runs)\n")
            .arg(messages)
            .arg(runs));
    say(QStringLiteral("| database | engine start | window -> first inbox paint | total |"));
    say(QStringLiteral("|---|---|---|---|"));
    say(QStringLiteral("| empty (baseline) | %1 ms | %2 ms | %3 ms |")
            .arg(median(emptyStart), 0, 'f', 1)
            .arg(median(emptyPaint), 0, 'f', 1)
            .arg(median(emptyTotal), 0, 'f', 1));
    say(QStringLiteral("| %1 messages, %2 conversations | %3 ms | %4 ms | %5 ms |")
            .arg(messages)
            .arg(messages / kMessagesPerConversation)
            .arg(median(bigStart), 0, 'f', 1)
            .arg(median(bigPaint), 0, 'f', 1)
            .arg(median(bigTotal), 0, 'f', 1));
    say(QStringLiteral("\nRatio (total, full / empty): %1x; inbox rows at first paint: %2.")
            .arg(ratio, 0, 'f', 2)
            .arg(rows));
    const auto list = [](const QList<double> &values) {
        QJsonArray array;
        for (double v : values)
            array.append(v);
        return array;
    };
    return QJsonObject{{QStringLiteral("messages"), messages},
                       {QStringLiteral("runs"), runs},
                       {QStringLiteral("empty_total_ms"), list(emptyTotal)},
                       {QStringLiteral("full_total_ms"), list(bigTotal)},
                       {QStringLiteral("empty_first_paint_ms"), list(emptyPaint)},
                       {QStringLiteral("full_first_paint_ms"), list(bigPaint)},
                       {QStringLiteral("empty_engine_start_ms"), list(emptyStart)},
                       {QStringLiteral("full_engine_start_ms"), list(bigStart)},
                       {QStringLiteral("ratio_total_median"), ratio},
                       {QStringLiteral("rows_at_first_paint"), rows}};
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("RelaydeskBench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Console benchmark: first paint on a big database, GUI stalls under load."));
    parser.addHelpOption();
    const QCommandLineOption messages(QStringLiteral("messages"),
                                      QStringLiteral("Messages in the big database (1000000)."),
                                      QStringLiteral("n"), QStringLiteral("1000000"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Measured runs per database (5)."),
                                  QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption arrivals(
        QStringLiteral("arrivals"), QStringLiteral("Messages arriving in the stall part (10000)."),
        QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption cache(
        QStringLiteral("cache"), QStringLiteral("Where the generated database is kept."),
        QStringLiteral("dir"),
        QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
            QStringLiteral("/relaydesk-bench"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the figures as JSON to <file>."),
                                  QStringLiteral("file"));
    const QCommandLineOption only(QStringLiteral("only"),
                                  QStringLiteral("Run one part: paint or stalls."),
                                  QStringLiteral("part"));
    parser.addOptions({messages, runs, arrivals, cache, json, only});
    parser.process(app);

    QTemporaryDir work;
    if (!work.isValid() || !QDir().mkpath(parser.value(cache))) {
        say(QStringLiteral("no working directory"));
        return 1;
    }
    // Settings of the bench's own, never the operator's.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       work.filePath(QStringLiteral("settings")));
    ui::installTranslations(&app, QLocale(QLocale::English, QLocale::UnitedStates));
    ui::Theme::applyToApplication(false);

    say(QStringLiteral("## Console benchmark (QPA %1, %2 cores, load average before: %3)")
            .arg(QGuiApplication::platformName())
            .arg(QThread::idealThreadCount())
            .arg([] {
                double load[3] = {0, 0, 0};
                return getloadavg(load, 3) == 3
                           ? QStringLiteral("%1 %2 %3").arg(load[0]).arg(load[1]).arg(load[2])
                           : QStringLiteral("unknown");
            }()));
    QJsonObject report;
    const QString part = parser.value(only);
    if (part.isEmpty() || part == QLatin1String("paint")) {
        const QJsonObject paint =
            benchPaint(parser.value(messages).toInt(), std::max(1, parser.value(runs).toInt()),
                       parser.value(cache), work.path());
        if (paint.isEmpty())
            return 1;
        report.insert(QStringLiteral("first_paint"), paint);
    }
    if (part.isEmpty() || part == QLatin1String("stalls")) {
        const QJsonObject stalls =
            benchStalls(std::max(1, parser.value(arrivals).toInt()), work.path());
        if (stalls.isEmpty())
            return 1;
        report.insert(QStringLiteral("stalls"), stalls);
    }
    if (parser.isSet(json)) {
        QFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly)) {
            say(QStringLiteral("cannot write ") + parser.value(json));
            return 1;
        }
        file.write(QJsonDocument(report).toJson());
    }
    return 0;
}
