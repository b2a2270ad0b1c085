import { useState } from 'react';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { plainMessageOf } from '../../components/service-error';
import type { LogBatch } from './upload-log-table';

/** What a take-back ended in, for the message above the log: news (status) or a refusal (alert). */
export type TakeBackOutcome = { kind: 'success' | 'error'; text: string };

const CANCEL = graphql(`
  mutation CancelUpload($input: CancelUploadBatchInput!) {
    cancelUploadBatch(input: $input) {
      batch {
        ...LogBatch
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const UNDO = graphql(`
  mutation UndoUpload($input: UndoUploadBatchInput!) {
    undoUploadBatch(input: $input) {
      batch {
        ...LogBatch
      }
      keptAccounts {
        email
      }
      userErrors {
        code
        message
      }
    }
  }
`);

const UNDO_PREVIEW = graphql(`
  query UndoPreview($id: ID!) {
    uploadBatch(id: $id) {
      id
      undoPreview {
        accountsToRemove
        accountsToKeep
      }
    }
  }
`);

const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The page offers what the API allows; the API decides again, and its refusal is shown as it answered it. */
const cancellable = (batch: LogBatch): boolean => batch.status === 'QUEUED' || batch.status === 'PROCESSING';
const undoable = (batch: LogBatch): boolean => !batch.dryRun && (batch.status === 'COMPLETED' || (batch.status === 'CANCELLED' && batch.recordsCreated > 0));

type Asking = { verb: 'cancel'; text: string } | { verb: 'undo'; text: string };

/** "Cancel upload" for a batch still running, "Undo upload" for one that created accounts; each asks first, stating the counts. */
export const TakeBack = ({ batch, onOutcome }: { batch: LogBatch; onOutcome: (outcome: TakeBackOutcome) => void }) => {
  const client = useApolloClient();
  const [cancelUpload] = useMutation(CANCEL);
  const [undoUpload] = useMutation(UNDO);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [busy, setBusy] = useState(false);
  if (!cancellable(batch) && !undoable(batch)) return null;

  const askCancel = () =>
    setAsking({
      verb: 'cancel',
      text:
        batch.status === 'QUEUED'
          ? `Cancel this upload of ${batch.fileName}? It has not started: no account will be created.`
          : `Cancel this upload of ${batch.fileName}? It stops after the rows it is writing now; the accounts created so far stay created, and the rest of the file is not processed.`,
    });

  const askUndo = async () => {
    setBusy(true);
    try {
      const answer = await client.query({ query: UNDO_PREVIEW, variables: { id: batch.id }, fetchPolicy: 'network-only' });
      const preview = answer.data?.uploadBatch?.undoPreview;
      if (!preview) return onOutcome({ kind: 'error', text: `The upload of ${batch.fileName} can no longer be undone.` });
      setAsking({
        verb: 'undo',
        text:
          `Undo this upload of ${batch.fileName}? ${counted(preview.accountsToRemove, 'account')} still pending registration will be removed; ` +
          `${counted(preview.accountsToKeep, 'registered account')} will be kept.`,
      });
    } catch (error) {
      onOutcome({ kind: 'error', text: plainMessageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    const verb = asking?.verb;
    setAsking(null);
    setBusy(true);
    try {
      if (verb === 'cancel') {
        const answer = (await cancelUpload({ variables: { input: { batchId: batch.id } } })).data!.cancelUploadBatch;
        const [refusal] = answer.userErrors;
        const created = answer.batch?.recordsCreated ?? 0;
        onOutcome(
          refusal
            ? { kind: 'error', text: refusal.message }
            : {
                kind: 'success',
                text: `The upload of ${batch.fileName} was cancelled. ${created === 0 ? 'No account was created.' : `Accounts it created before it stopped stay: ${created}.`}`,
              },
        );
      } else if (verb === 'undo') {
        const answer = (await undoUpload({ variables: { input: { batchId: batch.id } } })).data!.undoUploadBatch;
        const [refusal] = answer.userErrors;
        const kept = answer.keptAccounts.map((account) => account.email);
        onOutcome(
          refusal
            ? { kind: 'error', text: refusal.message }
            : {
                kind: 'success',
                text:
                  `The upload of ${batch.fileName} was undone: ${counted(answer.batch?.recordsRemoved ?? 0, 'pending account')} removed, ` +
                  `${counted(answer.batch?.recordsKept ?? 0, 'registered account')} kept${kept.length > 0 ? ` (${kept.join(', ')})` : ''}.`,
              },
        );
      }
    } catch (error) {
      onOutcome({ kind: 'error', text: plainMessageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      {cancellable(batch) && (
        <button type="button" className="usa-button usa-button--outline usa-button--small" onClick={askCancel} aria-busy={busy} disabled={busy}>
          Cancel upload<span className="usa-sr-only">{` of ${batch.fileName}`}</span>
        </button>
      )}
      {undoable(batch) && (
        <button type="button" className="usa-button usa-button--outline usa-button--small" onClick={() => void askUndo()} aria-busy={busy} disabled={busy}>
          Undo upload<span className="usa-sr-only">{` of ${batch.fileName}`}</span>
        </button>
      )}
      <ConfirmDialog
        open={asking !== null}
        title={asking?.verb === 'undo' ? 'Undo this upload?' : 'Cancel this upload?'}
        confirmLabel={asking?.verb === 'undo' ? 'Undo upload' : 'Cancel upload'}
        cancelLabel="Keep it as it is"
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(null)}
      >
        <p>{asking?.text}</p>
      </ConfirmDialog>
    </div>
  );
};
