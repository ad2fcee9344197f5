#pragma once

#include "storage/jobqueue.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

class Sparkline;

// The queue dock: jobs ready, running and dead per priority (JobQueue::counts), throughput over
// the last minutes as a sparkline, and the dead letters with their error. A dead letter can be
// retried (one, the selected ones or all) or discarded for good (the selected ones), each after
// a confirmation and with a progress bar for several, or opened in its conversation.
class QueuePanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kDeadLetterLimit = 200;
    static constexpr int kSamples = 120; // seconds of throughput history

    explicit QueuePanel(Engine *engine, QWidget *parent = nullptr);

    QTableWidget *countsTable() const { return m_counts; }
    QTreeWidget *deadLetters() const { return m_dead; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *retryAllButton() const { return m_retryAll; }
    QPushButton *discardButton() const { return m_discard; }
    QProgressBar *progressBar() const { return m_progress; }
    Sparkline *sparkline() const { return m_sparkline; }
    // The count shown for `state` ("ready", "running", "dead") and `priority`.
    int shownCount(const QString &state, Priority priority) const;
    // A bulk retry or discard is running.
    bool isRetrying() const { return !m_retryQueue.isEmpty() || m_retrying; }
    // Recorded as who discarded a dead letter.
    void setOperatorName(const QString &name) { m_operatorName = name; }

public Q_SLOTS:
    void reload();
    // Asks for confirmation, then sends the selected dead letters (or all when `all`) back to
    // the queue one after another.
    void retrySelected();
    void retryAll();
    // Asks for confirmation, then deletes the selected dead letters; their messages stay unsent.
    void discardSelected();

Q_SIGNALS:
    void statusMessage(const QString &message);
    void openConversation(const QString &conversationId);
    void loaded();

private:
    struct DeadLetter {
        Job job;
        QString conversationId;
        QString customer;
        QString preview;
    };
    struct Snapshot {
        QueueCounts counts;
        QList<DeadLetter> dead;
    };

    void build();
    void apply(const Snapshot &snapshot);
    void sample();
    enum class BulkAction { Retry, Discard };
    void confirmRetry(const QStringList &jobIds);
    void confirmDiscard(const QStringList &jobIds);
    void startBulk(BulkAction action, const QStringList &jobIds);
    void finishBulk();
    void retryNext();
    void updateButtons();

    Engine *m_engine;
    QTimer m_refresh;
    QTimer m_kick;
    QTimer m_sampler;
    bool m_loading = false;
    bool m_reloadAgain = false;
    quint64 m_lastSucceeded = 0;
    bool m_haveSample = false;
    QList<double> m_throughput;
    QStringList m_retryQueue;
    bool m_retrying = false;
    int m_retryTotal = 0;
    int m_retryFailed = 0;
    BulkAction m_bulkAction = BulkAction::Retry;
    QString m_operatorName;

    QTableWidget *m_counts = nullptr;
    Sparkline *m_sparkline = nullptr;
    QLabel *m_rate = nullptr;
    QTreeWidget *m_dead = nullptr;
    QLabel *m_deadTitle = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_retryAll = nullptr;
    QPushButton *m_discard = nullptr;
    QPushButton *m_open = nullptr;
    QProgressBar *m_progress = nullptr;
};

} // namespace relaydesk::ui
