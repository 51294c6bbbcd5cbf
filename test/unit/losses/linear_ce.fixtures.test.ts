/**
 * linear_cross_entropy (PyTorch 2.x) against PyTorch 2.14, and its absence in 1.13
 * (scripts/fixtures/gen_linear_ce.py): values, reduction='none', the gradients of input, linear_weight and
 * linear_bias, and PyTorch's error texts.
 */
import { describeFixtures } from './run-torch-fixtures';

describeFixtures('linear_ce');
