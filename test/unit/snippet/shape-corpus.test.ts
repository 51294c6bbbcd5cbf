import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkSnippet } from '../../../src/core/snippet/index';
import { diskResolver } from '../../../src/imports';

/**
 * The planted-bug corpus (test/fixtures/shape-corpus/, labelled by scripts/fixtures/label-shape-corpus.py under
 * both oracles). Counting how many bugs `check` reports at PyTorch's line is scripts/shape-corpus-report.ts; here
 * the corpus is kept honest and the half of the goal that must always hold is asserted: no error on a corrected
 * twin.
 */
interface Label {
  kind: 'bug' | 'ok';
  status: 'ok' | 'error';
  type?: string;
  message?: string;
  file?: string;
  line?: number;
  code?: string;
}

const corpus = path.join(__dirname, '..', '..', 'fixtures', 'shape-corpus');

function entryFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = prefix + name;
    if (statSync(full).isDirectory()) out.push(...entryFiles(full, `${rel}/`));
    else if (/\.(bug|ok)\.py$/.test(name) || (name === 'train.py' && /(^|\/)(bug|ok)\/$/.test(prefix))) out.push(rel);
  }
  return out.sort();
}

const twinOf = (entry: string): string => entry.replace(/\.bug\.py$/, '.ok.py').replace(/\/bug\//, '/ok/');

for (const version of ['2.x', '1.13'] as const) {
  const file = JSON.parse(readFileSync(path.join(corpus, `labels.${version}.json`), 'utf8')) as {
    torch: string;
    labels: Record<string, Label>;
  };
  const labels = file.labels;

  describe(`shape corpus labelled by torch ${file.torch}`, () => {
    it('labels every program of the corpus, and only those', () => {
      assert.deepEqual(Object.keys(labels).sort(), entryFiles(corpus));
    });

    it('has each planted bug raise in PyTorch at a line of the corpus, and its corrected twin run clean', () => {
      const bugs = Object.entries(labels).filter(([, l]) => l.kind === 'bug');
      assert.ok(bugs.length >= 25, `only ${bugs.length} planted bugs`);
      for (const [entry, label] of bugs) {
        assert.equal(label.status, 'error', entry);
        assert.ok(label.type && label.message, entry);
        assert.ok(label.file && existsSync(path.join(corpus, label.file)), `${entry}: ${label.file}`);
        const line = readFileSync(path.join(corpus, label.file), 'utf8').split('\n')[label.line! - 1]!;
        assert.equal(line.trim(), label.code, `${entry}: the labelled line is not the file's line ${label.line}`);
        assert.deepEqual(labels[twinOf(entry)], { kind: 'ok', status: 'ok' }, `${entry}: its twin`);
      }
      assert.equal(Object.keys(labels).length, 2 * bugs.length);
    });

    describe("check reports a planted bug at PyTorch's line with PyTorch's message", () => {
      // One entry per class of mistake shape mode catches (the rest are counted by scripts/shape-corpus-report.ts).
      const caught: Record<string, string> = {
        'loss call in a DataLoader loop': 'flatten_batch_mismatch.bug.py',
        'self.criterion called in a method': 'trainer_criterion_bce_long.bug.py',
        'Linear after view in a user forward, DataLoader batches': 'convnet_fc_in_features.bug.py',
        'hidden state sized for a full batch, short last batch': 'gru_hidden_fixed_batch.bug.py',
        'torch.cat of concrete tensors in a helper': 'helper_fn_concat_dim.bug.py',
        'an RNN tuple passed to mse_loss': 'rnn_tuple_output.bug.py',
        'NumPy default_rng features, float64 into a float32 model': 'numpy_float64_features.bug.py',
        'TensorDataset from NumPy, labels drawn as a column': 'tensordataset_labels_column.bug.py',
        'TransformerEncoder after a positional encoding added with +': 'transformer_d_model.bug.py',
        'user Dataset without a channel dim': 'user_dataset_missing_channel.bug.py',
        'a layer value mode lacks (ConvTranspose2d, MaxPool2d)': 'autoencoder_transpose_size.bug.py',
        'nn.Sequential built by a helper, layer error': 'batchnorm_features.bug.py',
        'Conv2d channels': 'conv_wrong_in_channels.bug.py',
        'Conv1d on a concrete tensor': 'textcnn_conv1d_layout.bug.py',
        'LSTM input_size': 'lstm_input_size.bug.py',
        'MultiheadAttention, key/value of another batch layout': 'cross_attention_batch_first.bug.py',
        'EmbeddingBag without offsets': 'embedding_bag_offsets.bug.py',
        'Embedding of float indices': 'embedding_float_indices.bug.py',
        'view of a concrete tensor': 'lenet_view_wrong_size.bug.py',
        'layers built in a loop': 'pooling_too_deep.bug.py',
        'BatchNorm on a last batch of one row': 'batchnorm_last_batch.bug.py',
        'PixelShuffle channels': 'pixel_shuffle_channels.bug.py',
        'Sequential without Flatten': 'sequential_missing_flatten.bug.py',
        'torch.cat of skip connections': 'unet_skip_odd_size.bug.py',
        'jaxtyping-annotated helper no call reaches': 'jaxtyping_loss_fn.bug.py',
        'width chosen in an if': 'if_branches_pretrained_width.bug.py',
      };
      for (const [what, entry] of Object.entries(caught)) {
        it(`${what} (${entry})`, () => {
          const label = labels[entry]!;
          const text = readFileSync(path.join(corpus, entry), 'utf8');
          const errors = checkSnippet(text, { torchVersion: version }).diagnostics.filter(
            (d) => d.severity === 'error' && d.line === label.line,
          );
          const pytorch = label.message!.split('\n')[0]!.replace(/\.$/, '');
          assert.ok(
            errors.some((d) => d.message.includes(pytorch)),
            `${entry}: wanted ${label.line}: ${pytorch}; got ${errors.map((d) => d.message).join(' | ')}`,
          );
        });
      }
    });

    describe('check reports no error on a corrected twin', () => {
      for (const [entry, label] of Object.entries(labels)) {
        if (label.kind !== 'ok') continue;
        it(entry, () => {
          const file = path.join(corpus, entry);
          const text = readFileSync(file, 'utf8');
          // With the imports among the corpus's files followed (`from model import Net`), as `check PATH...` does.
          const imports = { file, resolve: diskResolver({ roots: [corpus] }) };
          const errors = checkSnippet(text, { torchVersion: version, imports }).diagnostics.filter(
            (d) => d.severity === 'error',
          );
          assert.deepEqual(
            errors.map((d) => `${d.line}: ${d.message}`),
            [],
          );
        });
      }
    });
  });
}
