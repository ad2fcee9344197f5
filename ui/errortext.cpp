#include "ui/errortext.h"

#include <QStringList>

namespace relaydesk::ui {

QString ErrorText::describe(const Error &error)
{
    QString detail = error.message.trimmed();
    QStringList fields;
    for (const FieldError &field : error.fields)
        fields << field.field + QStringLiteral(": ") + field.message;
    if (!fields.isEmpty())
        detail += QStringLiteral(" (") + fields.join(QStringLiteral("; ")) + QLatin1Char(')');

    switch (error.kind) {
    case ErrorKind::Invalid:
        return tr("Not accepted: %1").arg(detail);
    case ErrorKind::NotFound:
        return tr("Not found: %1").arg(detail);
    case ErrorKind::Conflict:
        return tr("Already handled elsewhere: %1").arg(detail);
    case ErrorKind::Unavailable:
        if (error.retryAfterSeconds > 0)
            return tr("The engine is busy or unavailable (%1). Try again in %2 seconds.")
                .arg(detail)
                .arg(error.retryAfterSeconds);
        return tr("The engine is unavailable: %1").arg(detail);
    case ErrorKind::None:
    case ErrorKind::Internal:
        break;
    }
    return tr("Unexpected error: %1").arg(detail);
}

QString ErrorText::describe(const QString &action, const Error &error)
{
    return tr("%1 failed. %2").arg(action, describe(error));
}

} // namespace relaydesk::ui
