#include "core/settingsloader.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

QProcessEnvironment environment(const QList<std::pair<QString, QString>> &variables) {
    QProcessEnvironment env;
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    return env;
}

// Every problem as "field: message", one per line, so a failing QVERIFY shows all of them.
QString describe(const Outcome<Settings> &outcome) {
    QStringList lines;
    for (const FieldError &problem : outcome.error().fields)
        lines.append(problem.field + QStringLiteral(": ") + problem.message);
    return lines.join(QLatin1Char('\n'));
}

bool mentions(const Outcome<Settings> &outcome, const QString &text) {
    return !outcome.isOk() && describe(outcome).contains(text);
}

} // namespace

class TestSettingsLoader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Files are named as in the brief's examples so the messages read "config.toml:7 ...".
    QString writeConfig(const QString &text, const QString &name = QStringLiteral("config.toml")) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(text.toUtf8());
        return path;
    }

    Outcome<Settings> loadText(const QString &text) {
        return SettingsLoader::load({writeConfig(text), {}, {}});
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaults() {
        const auto outcome = SettingsLoader::load({});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        const Settings expected;
        QCOMPARE(s.dataDir, QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                QStringLiteral("/relaydesk"));
        QVERIFY(s.configFile.isEmpty());
        QVERIFY(s.databaseUrl.isEmpty());
        QCOMPARE(s.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(s.listenPort, quint16(3030));
        QCOMPARE(s.logLevel, QStringLiteral("info"));
        QCOMPARE(s.queueSize, expected.queueSize);
        QCOMPARE(toString(s.defaultAiMode), QStringLiteral("review"));
        QVERIFY(s.apiTokens.isEmpty());
        QVERIFY(s.offlineAnswers.isEmpty());
        QVERIFY(!s.webhookEnabled);
        QVERIFY(!s.rateLimitEnabled);
    }

    void missingFallbackConfigIsIgnored() {
        const auto outcome =
            SettingsLoader::load({m_dir.filePath(QStringLiteral("absent.toml")), {}, {}});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QVERIFY(outcome.value().configFile.isEmpty());
    }

    void missingExplicitConfigIsAnError() {
        const QString absent = m_dir.filePath(QStringLiteral("absent.toml"));
        const auto viaOption = SettingsLoader::load({{}, {{QStringLiteral("config"), absent}}, {}});
        QVERIFY(mentions(viaOption, absent + QStringLiteral(": cannot read the config file")));
        const auto viaEnv = SettingsLoader::load(
            {{}, {}, environment({{QStringLiteral("RELAYDESK_CONFIG"), absent}})});
        QVERIFY(mentions(viaEnv, absent + QStringLiteral(": cannot read the config file")));
    }

    void configFileChoice() {
        const QString low =
            writeConfig(QStringLiteral("[server]\nport = 4001\n"), QStringLiteral("low.toml"));
        const QString mid =
            writeConfig(QStringLiteral("[server]\nport = 4002\n"), QStringLiteral("mid.toml"));
        const QString high =
            writeConfig(QStringLiteral("[server]\nport = 4003\n"), QStringLiteral("high.toml"));
        const auto env = environment({{QStringLiteral("RELAYDESK_CONFIG"), mid}});

        auto outcome = SettingsLoader::load({low, {}, {}});
        QCOMPARE(outcome.value().listenPort, quint16(4001));
        QCOMPARE(outcome.value().configFile, low);
        outcome = SettingsLoader::load({low, {}, env});
        QCOMPARE(outcome.value().listenPort, quint16(4002));
        QCOMPARE(outcome.value().configFile, mid);
        outcome = SettingsLoader::load({low, {{QStringLiteral("config"), high}}, env});
        QCOMPARE(outcome.value().listenPort, quint16(4003));
        QCOMPARE(outcome.value().configFile, high);
    }

    void precedence_data() {
        QTest::addColumn<QString>("fileLine");
        QTest::addColumn<QString>("envName");
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("optionValue");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("fromDefault");
        QTest::addColumn<QString>("fromFile");
        QTest::addColumn<QString>("fromEnv");
        QTest::addColumn<QString>("fromOption");

        QTest::newRow("port") << QStringLiteral("[server]\nport = 4000") << QStringLiteral("PORT")
                              << QStringLiteral("5000") << QStringLiteral("listen")
                              << QStringLiteral("0.0.0.0:6000") << QStringLiteral("port")
                              << QStringLiteral("3030") << QStringLiteral("4000")
                              << QStringLiteral("5000") << QStringLiteral("6000");
        QTest::newRow("database url")
            << QStringLiteral("[database]\nurl = \"sqlite:///tmp/file.db\"")
            << QStringLiteral("DATABASE_URL") << QStringLiteral("postgres://env@db/relaydesk")
            << QStringLiteral("database-url")
            << QStringLiteral("postgresql://cli:secret@db:5432/relaydesk")
            << QStringLiteral("database") << QString() << QStringLiteral("sqlite:///tmp/file.db")
            << QStringLiteral("postgres://env@db/relaydesk")
            << QStringLiteral("postgresql://cli:secret@db:5432/relaydesk");
        QTest::newRow("log level")
            << QStringLiteral("[log]\nlevel = \"error\"") << QStringLiteral("RELAYDESK_LOG")
            << QStringLiteral("DEBUG") << QStringLiteral("log-level") << QStringLiteral("warn")
            << QStringLiteral("log") << QStringLiteral("info") << QStringLiteral("error")
            << QStringLiteral("debug") << QStringLiteral("warning");
    }

    void precedence() {
        QFETCH(QString, fileLine);
        QFETCH(QString, envName);
        QFETCH(QString, envValue);
        QFETCH(QString, option);
        QFETCH(QString, optionValue);
        QFETCH(QString, field);

        const auto pick = [&](const Outcome<Settings> &outcome) -> QString {
            if (!outcome.isOk())
                return QStringLiteral("error: ") + outcome.error().message;
            const Settings &s = outcome.value();
            if (field == QLatin1String("port"))
                return QString::number(s.listenPort);
            if (field == QLatin1String("database"))
                return s.databaseUrl;
            return s.logLevel;
        };
        const QString file = writeConfig(fileLine + QLatin1Char('\n'));
        const auto env = environment({{envName, envValue}});
        const QMap<QString, QString> cli{{option, optionValue}};

        QTEST(pick(SettingsLoader::load({})), "fromDefault");
        QTEST(pick(SettingsLoader::load({file, {}, {}})), "fromFile");
        QTEST(pick(SettingsLoader::load({file, {}, env})), "fromEnv");
        QTEST(pick(SettingsLoader::load({file, cli, env})), "fromOption");
        // Each level also wins when the levels between are absent.
        QTEST(pick(SettingsLoader::load({{}, cli, {}})), "fromOption");
        QTEST(pick(SettingsLoader::load({{}, {}, env})), "fromEnv");
    }

    void listenSetsHostAndPort_data() {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("ipv4") << QStringLiteral("0.0.0.0:8080") << QStringLiteral("0.0.0.0")
                              << 8080;
        QTest::newRow("name") << QStringLiteral("localhost:1") << QStringLiteral("localhost") << 1;
        QTest::newRow("ipv6") << QStringLiteral("[::1]:65535") << QStringLiteral("::1") << 65535;
    }

    void listenSetsHostAndPort() {
        QFETCH(QString, listen);
        const QString file = writeConfig(QStringLiteral("[server]\nhost = \"10.0.0.1\"\n"));
        const auto outcome =
            SettingsLoader::load({file,
                                  {{QStringLiteral("listen"), listen}},
                                  environment({{QStringLiteral("PORT"), QStringLiteral("5000")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QTEST(outcome.value().listenHost, "host");
        QTEST(int(outcome.value().listenPort), "port");
    }

    void badListen_data() {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no port") << QStringLiteral("localhost")
                                 << QStringLiteral("expected HOST:PORT");
        QTest::newRow("port 0") << QStringLiteral("localhost:0")
                                << QStringLiteral("port between 1 and 65535");
        QTest::newRow("port too big")
            << QStringLiteral("localhost:65536") << QStringLiteral("port between 1 and 65535");
        QTest::newRow("no host") << QStringLiteral(":3030") << QStringLiteral("expected HOST:PORT");
        QTest::newRow("bare ipv6")
            << QStringLiteral("::1:3030") << QStringLiteral("IPv6 addresses need brackets");
        QTest::newRow("unclosed ipv6")
            << QStringLiteral("[::1:3030") << QStringLiteral("expected [IPv6]:PORT");
    }

    void badListen() {
        QFETCH(QString, listen);
        QFETCH(QString, reason);
        const auto outcome = SettingsLoader::load({{}, {{QStringLiteral("listen"), listen}}, {}});
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        QCOMPARE(outcome.error().fields.first().field, QStringLiteral("--listen"));
        QVERIFY2(outcome.error().fields.first().message.contains(reason),
                 qPrintable(describe(outcome)));
    }

    void seed000ExampleLoads() {
        const auto outcome = loadText(QStringLiteral(R"(
[server]
host = "0.0.0.0"
port = 3030
thread_pool_size = 32

[database]
max_connections = 20

[queue]
size = 10000
retry_attempts = 3

[metrics]
port = 9000
)"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.listenHost, QStringLiteral("0.0.0.0"));
        QCOMPARE(s.listenPort, quint16(3030));
        QCOMPARE(s.threadPoolSize, 32);
        QCOMPARE(s.maxConnections, 20);
        QCOMPARE(s.queueSize, 10000);
        QCOMPARE(s.retryAttempts, 3);
        QCOMPARE(s.metricsPort, 9000);
    }

    void everyKeyIsApplied() {
        // Not a raw string: moc 6.4 takes the "//" of a URL inside R"(...)" for a comment and
        // then finds no test class at all.
        const auto outcome =
            loadText(QStringLiteral("[server]\n"
                                    "host = \"::1\"\n"
                                    "port = 8443\n"
                                    "thread_pool_size = 4\n"
                                    "public_url = \"https://desk.example.com\"\n"
                                    "max_body_bytes = 4096\n"
                                    "[database]\n"
                                    "url = \"postgresql://relay:pw@db.internal:5432/relaydesk\"\n"
                                    "max_connections = 7\n"
                                    "[queue]\n"
                                    "size = 50\n"
                                    "retry_attempts = 0\n"
                                    "lease_seconds = 30\n"
                                    "workers = 2\n"
                                    "retry_base_ms = 250\n"
                                    "retry_max_ms = 9000\n"
                                    "[storage]\n"
                                    "batch_max_writes = 64\n"
                                    "batch_window_ms = 0\n"
                                    "[conversation]\n"
                                    "session_hours = 12\n"
                                    "[metrics]\n"
                                    "enabled = false\n"
                                    "port = 9100\n"
                                    "[ai]\n"
                                    "default_mode = \"Manual\"\n"
                                    "[ai.offline]\n"
                                    "default_reply = \"We will answer soon.\"\n"
                                    "[channels.webhook]\n"
                                    "enabled = true\n"
                                    "outbound_url = \"http://127.0.0.1:9999/out\"\n"
                                    "secret = \"whsec_abc\"\n"
                                    "timeout_ms = 2500\n"
                                    "[api]\n"
                                    "tokens = [\"alpha\", \"beta\"]\n"
                                    "[rate_limit]\n"
                                    "enabled = true\n"
                                    "requests = 10\n"
                                    "period = 5\n"
                                    "[log]\n"
                                    "level = \"critical\"\n"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.listenHost, QStringLiteral("::1"));
        QCOMPARE(s.listenPort, quint16(8443));
        QCOMPARE(s.threadPoolSize, 4);
        QCOMPARE(s.publicUrl, QStringLiteral("https://desk.example.com"));
        QCOMPARE(s.maxBodyBytes, qint64(4096));
        QCOMPARE(s.databaseUrl, QStringLiteral("postgresql://relay:pw@db.internal:5432/relaydesk"));
        QCOMPARE(s.maxConnections, 7);
        QCOMPARE(s.queueSize, 50);
        QCOMPARE(s.retryAttempts, 0);
        QCOMPARE(s.leaseSeconds, 30);
        QCOMPARE(s.workers, 2);
        QCOMPARE(s.retryBaseMs, 250);
        QCOMPARE(s.retryMaxMs, 9000);
        QCOMPARE(s.batchMaxWrites, 64);
        QCOMPARE(s.batchWindowMs, 0);
        QCOMPARE(s.sessionHours, 12);
        QCOMPARE(s.metricsEnabled, false);
        QCOMPARE(s.metricsPort, 9100);
        QCOMPARE(toString(s.defaultAiMode), QStringLiteral("manual"));
        QCOMPARE(s.offlineDefaultReply, QStringLiteral("We will answer soon."));
        QCOMPARE(s.webhookEnabled, true);
        QCOMPARE(s.webhookOutboundUrl, QStringLiteral("http://127.0.0.1:9999/out"));
        QCOMPARE(s.webhookSecret, QStringLiteral("whsec_abc"));
        QCOMPARE(s.webhookTimeoutMs, 2500);
        QCOMPARE(s.apiTokens, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        QCOMPARE(s.rateLimitEnabled, true);
        QCOMPARE(s.rateLimitRequests, 10);
        QCOMPARE(s.rateLimitPeriodSeconds, 5);
        QCOMPARE(s.logLevel, QStringLiteral("critical"));
    }

    void cannedAnswersParse() {
        const auto outcome = loadText(QStringLiteral(R"(
[ai.offline]
default_reply = "Someone will be with you shortly."

[[ai.offline.answers]]
keywords = ["refund", "money back"]
reply = "Refunds take 5 business days."

[[ai.offline.answers]]
keywords = ["hours"]
reply = "We are open 9-17 CET, Monday to Friday."
)"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const auto &answers = outcome.value().offlineAnswers;
        QCOMPARE(answers.size(), 2);
        QCOMPARE(answers[0].keywords,
                 (QStringList{QStringLiteral("refund"), QStringLiteral("money back")}));
        QCOMPARE(answers[0].reply, QStringLiteral("Refunds take 5 business days."));
        QCOMPARE(answers[1].keywords, QStringList{QStringLiteral("hours")});
        QCOMPARE(answers[1].reply, QStringLiteral("We are open 9-17 CET, Monday to Friday."));
        QCOMPARE(outcome.value().offlineDefaultReply,
                 QStringLiteral("Someone will be with you shortly."));

        const auto inlineForm = loadText(QStringLiteral(
            "[ai.offline]\nanswers = [{ keywords = [\"ship\"], reply = \"Ships in 2 days.\" }]\n"));
        QVERIFY2(inlineForm.isOk(), qPrintable(inlineForm.error().message));
        QCOMPARE(inlineForm.value().offlineAnswers.size(), 1);
        QCOMPARE(inlineForm.value().offlineAnswers[0].reply, QStringLiteral("Ships in 2 days."));
    }

    void badCannedAnswers() {
        const auto outcome = loadText(QStringLiteral(R"([[ai.offline.answers]]
keywords = []
reply = "empty keywords"

[[ai.offline.answers]]
keywords = ["ok", 3]
reply = "x"

[[ai.offline.answers]]
keywords = ["only"]

[[ai.offline.answers]]
keywords = ["x"]
reply = "y"
answer = "typo"
)"));
        QVERIFY(!outcome.isOk());
        const QString text = describe(outcome);
        QVERIFY2(text.contains(QStringLiteral("config.toml:2 ai.offline.answers[0].keywords: "
                                              "expected at least one string")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("config.toml:6 ai.offline.answers[1].keywords[1]: "
                                              "expected a string, got an integer")),
                 qPrintable(text));
        QVERIFY2(
            text.contains(QStringLiteral("config.toml:9 ai.offline.answers[2]: missing reply")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("config.toml:15 ai.offline.answers[3].answer: "
                                              "unknown key")),
                 qPrintable(text));
        QCOMPARE(outcome.error().fields.size(), 4);
    }

    void unknownKey() {
        const auto outcome = loadText(QStringLiteral("[server]\nport = 3030\nhots = \"x\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        const FieldError &problem = outcome.error().fields.first();
        QVERIFY2(problem.field.endsWith(QStringLiteral("config.toml:3 server.hots")),
                 qPrintable(problem.field));
        QVERIFY2(problem.message.startsWith(QStringLiteral("unknown key")),
                 qPrintable(problem.message));
        // The message names what would have been accepted.
        QVERIFY2(problem.message.contains(QStringLiteral("host")), qPrintable(problem.message));
        QVERIFY(outcome.error().message.contains(
            QStringLiteral("config.toml:3 server.hots: unknown key")));
    }

    void unknownSection_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("typo") << QStringLiteral("[sever]\nport = 1\n")
                              << QStringLiteral("config.toml:1 sever: unknown section [sever]");
        // Providers and channels that do not exist must not be silently ignored.
        QTest::newRow("ai.gemini") << QStringLiteral("[ai.gemini]\nmodel = \"g\"\n")
                                   << QStringLiteral("config.toml:1 ai.gemini: unknown section");
        QTest::newRow("channels.slack")
            << QStringLiteral("[channels]\n[channels.slack]\ntoken = \"k\"\n")
            << QStringLiteral("config.toml:2 channels.slack: unknown section");
        QTest::newRow("channels.telegram.token")
            << QStringLiteral("[channels.telegram]\ntoken = \"t\"\n")
            << QStringLiteral("config.toml:2 channels.telegram.token: unknown key (known here: "
                              "enabled, bot_token");
        QTest::newRow("top-level key")
            << QStringLiteral("port = 3030\n") << QStringLiteral("config.toml:1 port: unknown key");
        QTest::newRow("section as value")
            << QStringLiteral("server = 3\n")
            << QStringLiteral("config.toml:1 server: expected a table");
    }

    void unknownSection() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto outcome = loadText(text);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void wrongValue_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("string for integer")
            << QStringLiteral("[queue]\n\nsize = \"big\"\n")
            << QStringLiteral(
                   "config.toml:3 queue.size: expected a positive integer, got a string");
        QTest::newRow("negative")
            << QStringLiteral("[queue]\nsize = -5\n")
            << QStringLiteral("config.toml:2 queue.size: expected a positive integer, got -5");
        QTest::newRow("float") << QStringLiteral("[queue]\nretry_attempts = 2.5\n")
                               << QStringLiteral(
                                      "config.toml:2 queue.retry_attempts: expected a "
                                      "non-negative integer, got a floating-point number");
        QTest::newRow("port range")
            << QStringLiteral("[server]\nport = 70000\n")
            << QStringLiteral("config.toml:2 server.port: expected an integer between 1 and 65535, "
                              "got 70000");
        QTest::newRow("port zero") << QStringLiteral("[server]\nport = 0\n")
                                   << QStringLiteral("config.toml:2 server.port: expected an "
                                                     "integer between 1 and 65535, got 0");
        QTest::newRow("bool as string")
            << QStringLiteral("[metrics]\nenabled = \"yes\"\n")
            << QStringLiteral(
                   "config.toml:2 metrics.enabled: expected true or false, got a string");
        QTest::newRow("bad enum")
            << QStringLiteral("[ai]\ndefault_mode = \"sometimes\"\n")
            << QStringLiteral("config.toml:2 ai.default_mode: expected one of auto, review, "
                              "manual, got \"sometimes\"");
        QTest::newRow("bad log level")
            << QStringLiteral("[log]\nlevel = \"loud\"\n")
            << QStringLiteral("config.toml:2 log.level: expected one of debug, info, warning, "
                              "error, critical, got \"loud\"");
        QTest::newRow("database scheme")
            << QStringLiteral("[database]\nurl = \"mysql://db/x\"\n")
            << QStringLiteral("config.toml:2 database.url: expected a URL starting with sqlite://, "
                              "postgresql:// or postgres://");
        QTest::newRow("sqlite without path")
            << QStringLiteral("[database]\nurl = \"sqlite://\"\n")
            << QStringLiteral("config.toml:2 database.url: \"sqlite://\" needs a location");
        QTest::newRow("outbound not http")
            << QStringLiteral("[channels.webhook]\nenabled = true\noutbound_url = \"ftp://x/y\"\n")
            << QStringLiteral("config.toml:3 channels.webhook.outbound_url: expected an http:// or "
                              "https:// URL");
        QTest::newRow("outbound missing")
            << QStringLiteral("[channels.webhook]\nenabled = true\n")
            << QStringLiteral("config.toml:2 channels.webhook.enabled: the webhook channel is "
                              "enabled but has no outbound_url");
        QTest::newRow("outbound empty")
            << QStringLiteral("[channels.webhook]\nenabled = true\noutbound_url = \"\"\n")
            << QStringLiteral("config.toml:2 channels.webhook.enabled: the webhook channel is "
                              "enabled but has no outbound_url");
        QTest::newRow("public url")
            << QStringLiteral("[server]\npublic_url = \"desk.example.com\"\n")
            << QStringLiteral(
                   "config.toml:2 server.public_url: expected an http:// or https:// URL");
        QTest::newRow("tokens not array")
            << QStringLiteral("[api]\ntokens = \"abc\"\n")
            << QStringLiteral(
                   "config.toml:2 api.tokens: expected an array of strings, got a string");
        QTest::newRow("empty token")
            << QStringLiteral("[api]\ntokens = [\"a\", \"\"]\n")
            << QStringLiteral("config.toml:2 api.tokens[1]: must not be empty");
        QTest::newRow("retry bounds")
            << QStringLiteral("[queue]\nretry_base_ms = 5000\nretry_max_ms = 1000\n")
            << QStringLiteral(
                   "config.toml:3 queue.retry_max_ms: queue.retry_max_ms (1000) must not "
                   "be less than queue.retry_base_ms (5000)");
        QTest::newRow("metrics on api port")
            << QStringLiteral("[server]\nport = 9000\n[metrics]\nport = 9000\n")
            << QStringLiteral("config.toml:4 metrics.port: metrics port 9000 is also the API port");
    }

    void wrongValue() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto outcome = loadText(text);
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void webhookUrlFromEnvironmentSatisfiesEnabled() {
        const QString file = writeConfig(QStringLiteral("[channels.webhook]\nenabled = true\n"));
        const auto outcome =
            SettingsLoader::load({file,
                                  {},
                                  environment({{QStringLiteral("RELAYDESK_WEBHOOK_OUTBOUND_URL"),
                                                QStringLiteral("https://hooks.example.com/relay")},
                                               {QStringLiteral("RELAYDESK_WEBHOOK_SECRET"),
                                                QStringLiteral("s3cret")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().webhookOutboundUrl,
                 QStringLiteral("https://hooks.example.com/relay"));
        QCOMPARE(outcome.value().webhookSecret, QStringLiteral("s3cret"));
    }

    void syntaxError() {
        const auto outcome = loadText(QStringLiteral("[server]\nport = = 3030\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        const FieldError &problem = outcome.error().fields.first();
        // file:line:column, then toml++'s reason.
        QVERIFY2(problem.field.endsWith(QStringLiteral("config.toml:2:8")),
                 qPrintable(problem.field));
        QVERIFY(!problem.message.isEmpty());

        const auto duplicate = loadText(QStringLiteral("[queue]\nsize = 1\nsize = 2\n"));
        QVERIFY(!duplicate.isOk());
        QVERIFY2(duplicate.error().fields.first().field.contains(QStringLiteral("config.toml:3:")),
                 qPrintable(describe(duplicate)));
    }

    void severalErrorsReportedTogether() {
        const QString file = writeConfig(QStringLiteral(R"([server]
port = "3030"
[queue]
size = 0
colour = "blue"
[ai]
default_mode = "yolo"
)"));
        const auto outcome = SettingsLoader::load(
            {file,
             {{QStringLiteral("log-level"), QStringLiteral("shout")}},
             environment({{QStringLiteral("PORT"), QStringLiteral("http")},
                          {QStringLiteral("RATE_LIMIT_ENABLED"), QStringLiteral("maybe")}})});
        QVERIFY(!outcome.isOk());
        const auto &fields = outcome.error().fields;
        QCOMPARE(fields.size(), 7);
        // File problems come first, in line order, then environment, then command line.
        QVERIFY(fields[0].field.endsWith(QStringLiteral("config.toml:2 server.port")));
        QVERIFY(fields[1].field.endsWith(QStringLiteral("config.toml:4 queue.size")));
        QVERIFY(fields[2].field.endsWith(QStringLiteral("config.toml:5 queue.colour")));
        QVERIFY(fields[3].field.endsWith(QStringLiteral("config.toml:7 ai.default_mode")));
        QCOMPARE(fields[4].field, QStringLiteral("environment PORT"));
        QCOMPARE(fields[5].field, QStringLiteral("environment RATE_LIMIT_ENABLED"));
        QCOMPARE(fields[6].field, QStringLiteral("--log-level"));
        QVERIFY(
            outcome.error().message.startsWith(QStringLiteral("The settings have 7 problems:")));
        for (const FieldError &problem : fields)
            QVERIFY2(outcome.error().message.contains(problem.field + QStringLiteral(": ") +
                                                      problem.message),
                     qPrintable(outcome.error().message));
    }

    void environmentValues() {
        const QString file = writeConfig(QStringLiteral("[api]\ntokens = [\"file-token\"]\n"
                                                        "[rate_limit]\nrequests = 5\n"));
        const auto outcome = SettingsLoader::load(
            {file,
             {},
             environment({{QStringLiteral("RELAYDESK_API_TOKEN"),
                           QStringLiteral(" env-one, file-token ,,env-two ")},
                          {QStringLiteral("RATE_LIMIT_ENABLED"), QStringLiteral("TRUE")},
                          {QStringLiteral("RATE_LIMIT_REQUESTS"), QStringLiteral("250")},
                          {QStringLiteral("RATE_LIMIT_PERIOD"), QStringLiteral("30")},
                          {QStringLiteral("RELAYDESK_DATA_DIR"),
                           m_dir.filePath(QStringLiteral("d/../data"))},
                          // Empty means unset, as an exported-but-blank .env line does.
                          {QStringLiteral("PORT"), QString()}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.apiTokens, (QStringList{QStringLiteral("file-token"), QStringLiteral("env-one"),
                                           QStringLiteral("env-two")}));
        QCOMPARE(s.rateLimitEnabled, true);
        QCOMPARE(s.rateLimitRequests, 250);
        QCOMPARE(s.rateLimitPeriodSeconds, 30);
        QCOMPARE(s.dataDir, m_dir.filePath(QStringLiteral("data")));
        QCOMPARE(s.listenPort, quint16(3030));
    }

    void dataDirFromCommandLine() {
        const auto outcome = SettingsLoader::load(
            {{},
             {{QStringLiteral("data-dir"), m_dir.filePath(QStringLiteral("cli"))}},
             environment({{QStringLiteral("RELAYDESK_DATA_DIR"), QStringLiteral("/env/dir")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().dataDir, m_dir.filePath(QStringLiteral("cli")));
    }

    void badEnvironmentAndOptions_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("PORT") << QStringLiteral("PORT") << QStringLiteral("99999")
                              << QStringLiteral("environment PORT: expected an integer between 1 "
                                                "and 65535, got \"99999\"");
        QTest::newRow("DATABASE_URL")
            << QStringLiteral("DATABASE_URL") << QStringLiteral("/var/db.sqlite")
            << QStringLiteral("environment DATABASE_URL: expected a URL starting with sqlite://");
        QTest::newRow("RELAYDESK_LOG")
            << QStringLiteral("RELAYDESK_LOG") << QStringLiteral("chatty")
            << QStringLiteral("environment RELAYDESK_LOG: expected one of");
        QTest::newRow("RATE_LIMIT_PERIOD")
            << QStringLiteral("RATE_LIMIT_PERIOD") << QStringLiteral("-1")
            << QStringLiteral("environment RATE_LIMIT_PERIOD: expected a positive integer");
        QTest::newRow("RATE_LIMIT_REQUESTS")
            << QStringLiteral("RATE_LIMIT_REQUESTS") << QStringLiteral("lots")
            << QStringLiteral("environment RATE_LIMIT_REQUESTS: expected a positive integer");
        QTest::newRow("RELAYDESK_WEBHOOK_OUTBOUND_URL")
            << QStringLiteral("RELAYDESK_WEBHOOK_OUTBOUND_URL") << QStringLiteral("not a url")
            << QStringLiteral("environment RELAYDESK_WEBHOOK_OUTBOUND_URL: expected an http://");
        QTest::newRow("--database-url")
            << QStringLiteral("--database-url") << QStringLiteral("postgresql:/oops")
            << QStringLiteral("--database-url: expected a URL");
        QTest::newRow("--verbose") << QStringLiteral("--verbose") << QStringLiteral("1")
                                   << QStringLiteral("--verbose: unknown option");
        QTest::newRow("--data-dir empty") << QStringLiteral("--data-dir") << QString()
                                          << QStringLiteral("--data-dir: expected a value");
    }

    void badEnvironmentAndOptions() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        SettingsSources sources;
        if (name.startsWith(QLatin1String("--")))
            sources.commandLine.insert(name.mid(2), value);
        else
            sources.environment.insert(name, value);
        const auto outcome = SettingsLoader::load(sources);
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void defaultConfigLoadsCleanly() {
        const QString sourceDir = qEnvironmentVariable("RELAYDESK_SOURCE_DIR");
        QVERIFY2(!sourceDir.isEmpty(), "RELAYDESK_SOURCE_DIR is not set");
        const QString path = sourceDir + QStringLiteral("/resources/config/default.toml");
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const auto outcome = SettingsLoader::load({{}, {{QStringLiteral("config"), path}}, {}});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));

        // The example documents every default: loading it must change nothing.
        const Settings &s = outcome.value();
        const Settings d = SettingsLoader::load({}).value();
        QCOMPARE(s.configFile, path);
        QCOMPARE(s.dataDir, d.dataDir);
        QCOMPARE(s.listenHost, d.listenHost);
        QCOMPARE(s.listenPort, d.listenPort);
        QCOMPARE(s.publicUrl, d.publicUrl);
        QCOMPARE(s.threadPoolSize, d.threadPoolSize);
        QCOMPARE(s.maxBodyBytes, d.maxBodyBytes);
        QCOMPARE(s.databaseUrl, d.databaseUrl);
        QCOMPARE(s.maxConnections, d.maxConnections);
        QCOMPARE(s.queueSize, d.queueSize);
        QCOMPARE(s.retryAttempts, d.retryAttempts);
        QCOMPARE(s.leaseSeconds, d.leaseSeconds);
        QCOMPARE(s.workers, d.workers);
        QCOMPARE(s.retryBaseMs, d.retryBaseMs);
        QCOMPARE(s.retryMaxMs, d.retryMaxMs);
        QCOMPARE(s.batchMaxWrites, d.batchMaxWrites);
        QCOMPARE(s.batchWindowMs, d.batchWindowMs);
        QCOMPARE(s.sessionHours, d.sessionHours);
        QCOMPARE(s.metricsEnabled, d.metricsEnabled);
        QCOMPARE(s.metricsPort, d.metricsPort);
        QCOMPARE(toString(s.defaultAiMode), toString(d.defaultAiMode));
        QCOMPARE(s.offlineAnswers.size(), d.offlineAnswers.size());
        QCOMPARE(s.offlineDefaultReply, d.offlineDefaultReply);
        QCOMPARE(s.webhookEnabled, d.webhookEnabled);
        QCOMPARE(s.webhookOutboundUrl, d.webhookOutboundUrl);
        QCOMPARE(s.webhookSecret, d.webhookSecret);
        QCOMPARE(s.webhookTimeoutMs, d.webhookTimeoutMs);
        QCOMPARE(s.apiTokens, d.apiTokens);
        QCOMPARE(s.rateLimitEnabled, d.rateLimitEnabled);
        QCOMPARE(s.rateLimitRequests, d.rateLimitRequests);
        QCOMPARE(s.rateLimitPeriodSeconds, d.rateLimitPeriodSeconds);
        QCOMPARE(s.logLevel, d.logLevel);
    }

    void helpTextListsEverything() {
        const QString help = SettingsLoader::helpText();
        for (const char *name : {"DATABASE_URL",
                                 "PORT",
                                 "RELAYDESK_CONFIG",
                                 "RELAYDESK_API_TOKEN",
                                 "RELAYDESK_LOG",
                                 "RELAYDESK_DATA_DIR",
                                 "RATE_LIMIT_ENABLED",
                                 "RATE_LIMIT_REQUESTS",
                                 "RATE_LIMIT_PERIOD",
                                 "RELAYDESK_WEBHOOK_SECRET",
                                 "RELAYDESK_WEBHOOK_OUTBOUND_URL",
                                 "[server]",
                                 "[database]",
                                 "[queue]",
                                 "[storage]",
                                 "[conversation]",
                                 "[metrics]",
                                 "[ai]",
                                 "[ai.offline]",
                                 "[channels.webhook]",
                                 "[api]",
                                 "[rate_limit]",
                                 "[log]",
                                 "thread_pool_size",
                                 "max_body_bytes",
                                 "retry_max_ms",
                                 "batch_window_ms",
                                 "session_hours",
                                 "default_mode",
                                 "default_reply",
                                 "answers",
                                 "outbound_url",
                                 "timeout_ms",
                                 "tokens"})
            QVERIFY2(help.contains(QLatin1String(name)), name);
        QVERIFY(help.contains(QStringLiteral("(default: 3030)")));
        // Every line fits a terminal so --help stays readable.
        for (const QString &line : help.split(QLatin1Char('\n')))
            QVERIFY2(line.size() <= 130, qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(TestSettingsLoader)
#include "tst_settingsloader.moc"
