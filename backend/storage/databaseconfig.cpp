#include "storage/databaseconfig.h"

#include <QDir>
#include <QUrl>
#include <QUrlQuery>

namespace relaydesk {

Outcome<DatabaseConfig> DatabaseConfig::fromUrl(const QString &url, const QString &dataDir)
{
    DatabaseConfig config;
    if (url.isEmpty()) {
        config.sqlitePath = QDir(dataDir).filePath(QStringLiteral("relaydesk.db"));
        return config;
    }
    if (url.startsWith(QLatin1String("sqlite://"))) {
        // sqlite:///abs/path -> /abs/path ; sqlite://relative/path -> relative/path
        QString path = url.mid(int(qstrlen("sqlite://")));
        if (path.isEmpty())
            return Outcome<DatabaseConfig>::failure(ErrorKind::Invalid,
                                                    QStringLiteral("sqlite url has no path"));
        config.sqlitePath = path;
        return config;
    }
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != QLatin1String("postgresql") &&
                              parsed.scheme() != QLatin1String("postgres"))) {
        return Outcome<DatabaseConfig>::failure(
            ErrorKind::Invalid, QStringLiteral("database url must be sqlite:///path or "
                                               "postgresql://user:password@host:port/database"));
    }
    config.dialect = SqlDialect::Postgresql;
    config.host = parsed.host().isEmpty() ? QStringLiteral("localhost") : parsed.host();
    config.port = parsed.port(5432);
    config.user = parsed.userName(QUrl::FullyDecoded);
    config.password = parsed.password(QUrl::FullyDecoded);
    config.databaseName = parsed.path().mid(1);
    if (config.databaseName.isEmpty())
        config.databaseName = config.user.isEmpty() ? QStringLiteral("postgres") : config.user;
    QStringList options;
    const auto items = QUrlQuery(parsed).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        options << key + QLatin1Char('=') + value;
    if (!QUrlQuery(parsed).hasQueryItem(QStringLiteral("connect_timeout")))
        options << QStringLiteral("connect_timeout=5");
    config.options = options.join(QLatin1Char(';'));
    return config;
}

QString DatabaseConfig::driverName() const
{
    return dialect == SqlDialect::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
}

QString DatabaseConfig::displayName() const
{
    if (dialect == SqlDialect::Sqlite)
        return QStringLiteral("sqlite://") + sqlitePath;
    return QStringLiteral("postgresql://%1%2@%3:%4/%5")
        .arg(user, password.isEmpty() ? QString() : QStringLiteral(":***"), host)
        .arg(port)
        .arg(databaseName);
}

QString DatabaseConfig::connectionKey() const
{
    // The options belong to the key: two configs that differ only in, say, search_path reach
    // different tables and must not share a connection.
    return dialect == SqlDialect::Sqlite ? sqlitePath
                                         : QStringLiteral("%1@%2:%3/%4?%5")
                                               .arg(user, host)
                                               .arg(port)
                                               .arg(databaseName, options);
}

} // namespace relaydesk
