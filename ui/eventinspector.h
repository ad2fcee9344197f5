#pragma once

#include "core/message.h"
#include "core/messageevent.h"

#include <QJsonObject>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QSyntaxHighlighter;
class QTreeWidget;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

// The event inspector dock: the selected message's event timeline (queued, drafted, approved,
// sent, failed... with their details) and its raw JSON as the API serves it, highlighted and
// copyable. Follows the engine's state changes for that message.
class EventInspector : public QWidget
{
    Q_OBJECT

public:
    explicit EventInspector(Engine *engine, QWidget *parent = nullptr);

    void setMessage(const QString &messageId);
    QString messageId() const { return m_messageId; }
    QTreeWidget *timeline() const { return m_timeline; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QSyntaxHighlighter *highlighter() const { return m_highlighter; }
    QPushButton *copyButton() const { return m_copy; }

public Q_SLOTS:
    void reload();
    void copyJson();

Q_SIGNALS:
    void loaded(const QString &messageId);
    void statusMessage(const QString &message);

private:
    struct Snapshot {
        Message message;
        QList<MessageEvent> events;
        QJsonObject deadLetter;
    };

    void apply(const Snapshot &snapshot);

    Engine *m_engine;
    QString m_messageId;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_reloadAgain = false;
    QTimer m_debounce;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_title = nullptr;
    QTreeWidget *m_timeline = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QSyntaxHighlighter *m_highlighter = nullptr;
    QPushButton *m_copy = nullptr;
};

} // namespace relaydesk::ui
