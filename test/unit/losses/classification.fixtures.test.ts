/**
 * Every torch-generated classification case (scripts/fixtures/gen_classification.py): value, reduction='none'
 * output, input gradient and dtype at rtol 1e-5, PyTorch's error texts verbatim, and PyTorch's warnings.
 */
import { describeFixtures } from './run-torch-fixtures';

describeFixtures('classification');
